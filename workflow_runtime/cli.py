"""Command line: `python -m workflow_runtime run|check`.

run FILE [--data JSON] [--env NAME=VALUE ...] [--stats PATH]
    prints the result as JSON on stdout (exit 0); an uncaught workflow error prints the
    error value as JSON on stderr (exit 1); an invalid workflow prints FILE:LINE: message
    on stderr (exit 2); a call of a connector the runtime does not emulate prints which one
    on stderr (exit 3: the workflow is valid, it just cannot run locally).
check FILE...
    validates only, as Google does at deploy time (standard YAML, names visible where they
    are read, known functions; any `googleapis.*` connector): exit 0 when every file is
    valid, else 2 with one `FILE:LINE: message` line per invalid file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from workflow_runtime.connectors.gcs_client import GcsClient
from workflow_runtime.engine import Runtime, Workflow
from workflow_runtime.engine.runtime import check_user_env
from workflow_runtime.engine.scopes import json_default
from workflow_runtime.errors import UnemulatedConnectorError, WorkflowDefinitionError
from workflow_runtime.fakes import Deployment, Services

EXIT_OK = 0
EXIT_WORKFLOW_ERROR = 1
EXIT_INVALID = 2
EXIT_UNEMULATED = 3


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "check":
        return _check(args.files, library_files(args.lib))
    return _run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m workflow_runtime")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a workflow and print its result as JSON")
    run.add_argument("file", type=Path)
    run.add_argument("--data", default=None, help="the runtime argument, as JSON")
    run.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="user env var")
    run.add_argument("--stats", type=Path, default=None, help="write step counts here")
    _add_lib_option(run)
    run.add_argument(
        "--catalog",
        type=Path,
        default=None,
        help="deployment catalog (workflow name -> file, event routes); "
        "default: catalog.yaml next to FILE when it exists",
    )
    check = commands.add_parser("check", help="validate workflows without running them")
    check.add_argument("files", nargs="+", type=Path)
    _add_lib_option(check)
    return parser


def _add_lib_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lib",
        action="append",
        default=[],
        type=Path,
        metavar="PATH",
        help="shared subworkflows merged into every workflow: a YAML file, or a folder of them",
    )


def library_files(paths: list[Path]) -> list[Path]:
    """The YAML files named by --lib options (a folder stands for its *.yaml files)."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return files


def _check(files: list[Path], library: list[Path]) -> int:
    runtime = Runtime(library=library)
    status = EXIT_OK
    for file in files:
        if _load(runtime, file) is None:
            status = EXIT_INVALID
    return status


def _load(runtime: Runtime, file: Path) -> Workflow | None:
    """The loaded workflow, or None after printing why it is invalid (FILE:LINE: message)."""
    try:
        return runtime.load(file)
    except WorkflowDefinitionError as error:
        print(error, file=sys.stderr)
    except OSError as error:
        print(f"{error.filename or file}:1: cannot read: {error.strerror}", file=sys.stderr)
    return None


def _run(args: argparse.Namespace) -> int:
    try:
        argument = json.loads(args.data) if args.data is not None else None
    except ValueError as error:
        print(f"--data is not valid JSON: {error}", file=sys.stderr)
        return EXIT_INVALID
    try:
        env = _env_pairs(args.env)
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID
    try:
        services = build_services(os.environ, _catalog_path(args), env)
    except (ValueError, OSError) as error:  # a bad STORAGE_EMULATOR_HOST or catalog
        print(str(error), file=sys.stderr)
        return EXIT_INVALID
    runtime = Runtime(services=services, env=env, library=library_files(args.lib))
    workflow = _load(runtime, args.file)
    if workflow is None:
        return EXIT_INVALID
    # Executions the workflow starts (executions.create, published events) run alongside
    # it, as in the cloud; the printed result and stats are the top-level one's.
    services.executions.attach(runtime)
    try:
        result = runtime.run(workflow, argument)
    except UnemulatedConnectorError as error:
        print(f"{args.file}: {error}", file=sys.stderr)
        return EXIT_UNEMULATED
    if args.stats is not None:
        stats = {
            "steps": {"internal": result.steps.internal, "external": result.steps.external},
            "virtual_seconds": result.virtual_seconds,
        }
        args.stats.write_text(json.dumps(stats) + "\n", encoding="utf-8")
    if result.state == "SUCCEEDED":
        print(to_json(result.result))
        return EXIT_OK
    print(to_json(result.error), file=sys.stderr)
    return EXIT_WORKFLOW_ERROR


def _env_pairs(pairs: list[str]) -> dict[str, str]:
    env = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"--env expects NAME=VALUE, got '{pair}'")
        env[name] = value
    return check_user_env(env)


def _catalog_path(args: argparse.Namespace) -> Path | None:
    # argparse gives both as Path (type=Path); --catalog is None when not given.
    catalog: Path | None = args.catalog
    file: Path = args.file
    if catalog is not None:
        return catalog
    beside = file.parent / "catalog.yaml"
    return beside if beside.is_file() else None


def build_services(environ: Mapping[str, str], catalog: Path | None, env: Mapping[str, str]) -> Services:
    """Local services for a CLI run: the storage emulator named by STORAGE_EMULATOR_HOST
    (if set), and executions/event bus serving the catalog's deployment (if any)."""
    storage = None
    host = environ.get("STORAGE_EMULATOR_HOST")
    if host:
        storage = GcsClient(host if "://" in host else f"http://{host}")
    deployment = Deployment.from_catalog(catalog, env) if catalog is not None else Deployment()
    return Services.for_deployment(deployment, storage)


def to_json(value: Any) -> str:
    """JSON text of a workflow value (bytes as base64, like Google's execution output)."""
    return json.dumps(value, default=json_default, ensure_ascii=False)
