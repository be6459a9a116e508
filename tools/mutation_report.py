"""The mutation score of the last `mutmut run`, per layer, from mutmut's own records.

    .venv/bin/python -m tools.mutation_report [--survivors]

mutmut keeps one `mutants/<source>.meta` JSON per mutated file, whose `exit_code_by_key`
maps every mutant name to the exit code of the test run against it. This reads those
files (no mutmut import: its CLI loads its config at import time), groups them by layer
(`workflow_runtime/engine`, ..., `components`) and prints a Markdown table; `--survivors`
also lists each surviving mutant's name, to show with `mutmut show NAME`.

The score is killed / (mutants that some test ran): a mutant no test reaches ("no tests")
is reported apart, because no assertion could ever have caught it.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tools import markdown

# mutmut's exit-code meanings (mutmut/stats.py status_by_exit_code); any other code is
# "suspicious" there and here.
STATUS_BY_EXIT_CODE: Mapping[int | None, str] = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    36: "timeout",
    24: "timeout",
    -24: "timeout",
    152: "timeout",
    255: "timeout",
    37: "killed",  # caught by the type checker: the mutant would not pass `make test`
    None: "not checked",
}
COLUMNS = ("killed", "timeout", "survived", "no tests", "suspicious", "not checked")


@dataclass
class LayerScore:
    """Mutant outcomes of one layer."""

    layer: str
    outcomes: Counter[str] = field(default_factory=Counter)
    survivors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Every mutant of the layer."""
        return sum(self.outcomes.values())

    @property
    def score(self) -> float | None:
        """Killed (a timeout counts: the suite did not pass) over the mutants tests ran."""
        caught = self.outcomes["killed"] + self.outcomes["timeout"]
        judged = caught + self.outcomes["survived"] + self.outcomes["suspicious"]
        return None if judged == 0 else 100.0 * caught / judged


def layer_of(source: Path) -> str:
    """`workflow_runtime/engine/executor.py` -> `workflow_runtime/engine`; `components/x.py`
    -> `components`."""
    return str(source.parent)


def read_scores(mutants_dir: Path) -> dict[str, LayerScore]:
    """Every layer's outcomes, from the `.meta` files under `mutants_dir`."""
    if not mutants_dir.is_dir():
        raise SystemExit(f"{mutants_dir} does not exist: run `make mutation` (mutmut run) first")
    scores: dict[str, LayerScore] = {}
    for meta in sorted(mutants_dir.rglob("*.py.meta")):
        exit_codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        if not exit_codes:
            continue
        source = meta.relative_to(mutants_dir).with_suffix("")
        layer = scores.setdefault(layer_of(source), LayerScore(layer_of(source)))
        for name, code in sorted(exit_codes.items()):
            status = STATUS_BY_EXIT_CODE.get(code, "suspicious")
            layer.outcomes[status] += 1
            if status == "survived":
                layer.survivors.append(name)
    return dict(sorted(scores.items()))


def _counts(layer: LayerScore) -> list[str]:
    return [f"{layer.outcomes[column]:,}" for column in COLUMNS]


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def table(scores: Iterable[LayerScore]) -> str:
    """A Markdown table: one row per layer, then the total."""
    rows = list(scores)
    total = LayerScore("**total**")
    for row in rows:
        total.outcomes.update(row.outcomes)
    header = ("layer", "mutants", *COLUMNS, "score")
    return markdown.table(
        header,
        ("---", *("---:",) * (len(header) - 1)),
        ([layer.layer, f"{layer.total:,}", *_counts(layer), _score(layer.score)] for layer in [*rows, total]),
    )


def main(argv: list[str] | None = None) -> None:
    """Print the score table (and, with --survivors, every surviving mutant's name)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--mutants", type=Path, default=Path("mutants"), help="mutmut's work directory")
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants")
    args = parser.parse_args(argv)
    scores = read_scores(args.mutants)
    print(table(scores.values()))
    if args.survivors:
        for layer in scores.values():
            for name in layer.survivors:
                print(name)


if __name__ == "__main__":
    main()
