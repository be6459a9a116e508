"""The deployable source of a workflow: its body plus the shared subworkflows it calls.

Cloud Workflows has no imports, so shared logic lives in `workflows/lib/*.yaml` (each file a
map of subworkflows) and is merged into every body that calls it, transitively. The merge
is textual, so comments survive into the deployed source, and is checked by re-parsing:
the result must equal the body's map plus the library subworkflows it uses.

Errors (SourceError) name the files involved: a body subworkflow whose name is also defined
in the library, a library name defined twice, a `call:` of a subworkflow (a name without a
dot) that nobody defines, or a merged source above the 128 KB Cloud Workflows limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from components.catalog import WORKFLOWS_DIR

LIB_DIR = WORKFLOWS_DIR / "lib"
MAX_SOURCE_BYTES = 128 * 1024
# A top-level key of a workflow file: a subworkflow name at column 0.
_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):\s*(#.*)?$")
# A retry predicate that names a function: `${name}` (a subworkflow when it has no dot).
_PREDICATE_NAME = re.compile(r"^\$\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}$")
# libyaml's loader when present: parsing the sources is most of the program's evaluation time.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SourceError(ValueError):
    """A workflow source cannot be assembled; the message names the files and the fix."""


@dataclass(frozen=True)
class _LibSubworkflow:
    name: str
    file: Path
    definition: Any
    text: str


def workflow_source(path: Path, lib_dir: Path = LIB_DIR) -> str:
    """The body at `path` with every library subworkflow it calls appended; deterministic."""
    body_text = path.read_text()
    body = _load_map(path, body_text)
    if "main" not in body:
        raise SourceError(f"{path.name}: a workflow needs a `main` subworkflow")
    library = _load_library(lib_dir)
    for name in body:
        if name in library:
            raise SourceError(
                f"{path.name}: subworkflow {name!r} is also defined in {_rel(library[name].file)}; "
                "rename one of them (library names are shared by every workflow)"
            )
    included = _resolve(path, body, library, lib_dir)
    parts = [body_text.rstrip("\n")]
    for sub in included:
        parts.append(f"# --- {sub.name}: merged from {_rel(sub.file)} by components/sources.py ---")
        parts.append(sub.text.rstrip("\n"))
    source = "\n\n".join(parts) + "\n"
    expected = {**body, **{sub.name: sub.definition for sub in included}}
    if yaml.load(source, Loader=_LOADER) != expected:
        raise SourceError(f"{path.name}: merging the library text changed the definitions; check its layout")
    size = len(source.encode())
    if size > MAX_SOURCE_BYTES:
        raise SourceError(
            f"{path.name}: merged source is {size} bytes, above the Cloud Workflows limit of "
            f"{MAX_SOURCE_BYTES} bytes; move logic into Cloud Run jobs or split the workflow"
        )
    return source


def called_subworkflows(definition: Any) -> set[str]:
    """Names of the subworkflows a definition calls (call targets without a dot), including
    a retry `predicate: ${name}` naming a subworkflow (Google's custom retry predicate)."""
    return {target for target in _call_targets(definition) if "." not in target}


def _resolve(
    path: Path, body: dict[str, Any], library: dict[str, _LibSubworkflow], lib_dir: Path
) -> list[_LibSubworkflow]:
    needed: set[str] = set()
    pending = [(path.name, name, definition) for name, definition in body.items()]
    while pending:
        where, caller, definition = pending.pop()
        for target in sorted(called_subworkflows(definition)):
            if target in body or target in needed:
                continue
            if target not in library:
                raise SourceError(
                    f"{where}: subworkflow {caller!r} calls {target!r}, which is defined neither in "
                    f"{path.name} nor in {_rel(lib_dir)}/*.yaml (a call without a dot names a subworkflow)"
                )
            needed.add(target)
            sub = library[target]
            pending.append((_rel(sub.file), target, sub.definition))
    # Library order (file name, then position in the file) keeps the output stable.
    return [sub for sub in library.values() if sub.name in needed]


def _load_library(lib_dir: Path) -> dict[str, _LibSubworkflow]:
    library: dict[str, _LibSubworkflow] = {}
    for file in sorted(lib_dir.glob("*.yaml")):
        text = file.read_text()
        definitions = _load_map(file, text)
        blocks = _text_blocks(file, text)
        for name, definition in definitions.items():
            if name in library:
                raise SourceError(
                    f"library subworkflow {name!r} is defined in both {_rel(library[name].file)} "
                    f"and {_rel(file)}; keep one"
                )
            library[name] = _LibSubworkflow(name, file, definition, blocks[name])
    return library


def _text_blocks(file: Path, text: str) -> dict[str, str]:
    """Each top-level key's text, from its line to the next key; comment and blank lines
    between two subworkflows are left out."""
    lines = text.splitlines()
    starts = [(i, m.group(1)) for i, line in enumerate(lines) if (m := _TOP_LEVEL_KEY.match(line))]
    blocks: dict[str, str] = {}
    for index, (start, name) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(lines)
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1
        blocks[name] = "\n".join(lines[start:end])
    if set(blocks) != set(_load_map(file, text)):
        raise SourceError(f"{_rel(file)}: every subworkflow must start at column 0 as `name:`")
    return blocks


def _load_map(file: Path, text: str) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise SourceError(f"{_rel(file)}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not data:
        raise SourceError(f"{_rel(file)}: expected a map of subworkflows (name -> params/steps)")
    for name, definition in data.items():
        if not isinstance(definition, dict) or "steps" not in definition:
            raise SourceError(f"{_rel(file)}: subworkflow {name!r} needs a `steps` list")
    return data


def _call_targets(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        call = value.get("call")
        if isinstance(call, str):
            yield call
        predicate = value.get("predicate")
        if isinstance(predicate, str) and (match := _PREDICATE_NAME.match(predicate)):
            yield match.group(1)
        for item in value.values():
            yield from _call_targets(item)
    elif isinstance(value, list):
        for item in value:
            yield from _call_targets(item)


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(WORKFLOWS_DIR.parent))
    except ValueError:
        return str(path)
