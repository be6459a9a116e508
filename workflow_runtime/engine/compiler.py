"""Validate a parsed workflow and compile it into the step model, before anything runs.

Every rejection is a WorkflowDefinitionError naming the file, the line and the step.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from workflow_runtime.engine import model as m
from workflow_runtime.engine.accounting import Limits
from workflow_runtime.engine.functions import is_connector_name, lookup_builtin
from workflow_runtime.engine.loader import LineDict, LineList, plain
from workflow_runtime.engine.names import VariableScope, first_undefined
from workflow_runtime.engine.parallel_check import check_parallel_writes
from workflow_runtime.errors import WorkflowDefinitionError
from workflow_runtime.expressions import (
    Compiled,
    Expr,
    ExpressionSyntaxError,
    compile_value,
    expression_source,
    parse_expression,
)
from workflow_runtime.expressions.ast import Attribute, Call, Index, Name
from workflow_runtime.stdlib import STDLIB_MODULES

KINDS = ("assign", "call", "switch", "raise", "return", "steps", "for", "parallel", "try")
_KIND_KEYS: dict[str, set[str]] = {
    "assign": {"assign", "next"},
    "call": {"call", "args", "result", "next"},
    "switch": {"switch", "next"},
    "raise": {"raise"},
    "return": {"return"},
    "steps": {"steps", "next"},
    "for": {"for", "next"},
    "parallel": {"parallel", "next"},
    "try": {"try", "retry", "except", "next"},
    "": {"next"},
}
_CONDITION_ACTIONS = {"next", "steps", "assign", "return", "raise", "call", "args", "result"}
_JUMP_WORDS = ("end", "break", "continue")


@dataclass(frozen=True)
class _Scope:
    """Where a step sits: visible jump targets and the loop it may break out of."""

    # Innermost first. A loop, a branch and a subworkflow start from a scope with no names:
    # a jump cannot leave them.
    names: tuple[frozenset[str], ...]
    in_loop: bool


class Compiler:
    """Turns line-annotated YAML values into a validated `Workflow`."""

    def __init__(self, file: str, name: str, limits: Limits) -> None:
        self.file = file
        self.name = name
        self.limits = limits
        self.subworkflows: dict[str, tuple[list[tuple[str, Any]], set[str]]] = {}
        # Step names must be unique within a subworkflow (Google's rule), nested or not.
        self._step_names: set[str] = set()
        # The variable scope the step being compiled sits in (see names.py).
        self._variables = VariableScope("", 0)

    def fail(self, line: int, message: str) -> WorkflowDefinitionError:
        """An error to raise at `line`."""
        return WorkflowDefinitionError(self.file, line, message)

    # --- top level -------------------------------------------------------------------

    def compile(self, raw: Any, library: Sequence[tuple[str, Any]] = ()) -> m.Workflow:
        """Compile the whole document, plus the subworkflows of `library` (file, map) pairs.

        A library is how shared subworkflows reach several workflows (Workflows itself has
        no imports): each library file is a map of subworkflows, merged in before
        validation. A name defined twice is an error naming both files.
        """
        main_file = self.file
        definitions = self._definitions(raw)
        origin = dict.fromkeys(definitions, main_file)
        for lib_file, lib_raw in library:
            self.file = lib_file
            if not isinstance(lib_raw, LineDict):
                raise self.fail(1, "a library file is a map of subworkflows")
            for name, entry in self._definitions(lib_raw, needs_main=False).items():
                if name in definitions:
                    raise self.fail(
                        entry[0],
                        f"subworkflow '{name}' is also defined in {origin[name]}; rename one of them",
                    )
                definitions[name] = entry
                origin[name] = lib_file
        for name, (_, body) in definitions.items():
            self.file = origin[name]
            self.subworkflows[name] = self._params(name, body)
        subs = {}
        for name, (line, body) in definitions.items():
            self.file = origin[name]
            subs[name] = self._subworkflow(name, line, body)
            check_parallel_writes(subs[name], self.fail)
        self.file = main_file
        return m.Workflow(main_file, self.name, subs)

    def _definitions(self, raw: Any, *, needs_main: bool = True) -> dict[str, tuple[int, LineDict]]:
        """name -> (line, body) of each subworkflow of a document."""
        if isinstance(raw, LineList) and needs_main:
            # A bare list of steps is the body of `main`.
            body = LineDict(steps=raw)
            body.key_lines = {"steps": raw.line}
            return {"main": (raw.line, body)}
        if not isinstance(raw, LineDict):
            raise self.fail(1, "a workflow is a list of steps or a map of subworkflows")
        definitions = {}
        for key, value in raw.items():
            line = raw.key_lines[key]
            if not isinstance(value, LineDict):
                raise self.fail(line, f"subworkflow '{key}' must be a map with 'steps'")
            definitions[key] = (line, value)
        if needs_main and "main" not in definitions:
            raise self.fail(raw.line, "workflow has no 'main' subworkflow")
        return definitions

    def _params(self, name: str, body: LineDict) -> tuple[list[tuple[str, Any]], set[str]]:
        """The (name, default) params of a subworkflow and the names it requires."""
        unknown = set(body) - {"params", "steps"}
        if unknown:
            key = sorted(unknown)[0]
            raise self.fail(
                body.key_lines[key],
                f"subworkflow '{name}': unknown key '{key}' (allowed: params, steps)",
            )
        if "params" not in body:
            return [], set()
        raw = body["params"]
        pline = body.key_lines["params"]
        if not isinstance(raw, list):
            raise self.fail(pline, f"subworkflow '{name}': params must be a list")
        params: list[tuple[str, Any]] = []
        required: set[str] = set()
        for item in raw:
            if isinstance(item, str):
                params.append((item, None))
                required.add(item)
            elif isinstance(item, dict) and len(item) == 1:
                ((pname, default),) = item.items()
                params.append((pname, plain(default)))
            else:
                raise self.fail(pline, f"subworkflow '{name}': a param is a name or a single 'name: default'")
        if name == "main" and len(params) > 1:
            raise self.fail(pline, "main takes at most one param (the runtime argument)")
        return params, required

    def _subworkflow(self, name: str, line: int, body: LineDict) -> m.Subworkflow:
        if "steps" not in body:
            raise self.fail(line, f"subworkflow '{name}' has no 'steps'")
        params, required = self.subworkflows[name]
        self._step_names = set()
        root = self._variables = VariableScope(f"subworkflow '{name}'", line)
        for param, _ in params:
            root.define(param)
        scope = _Scope((), in_loop=False)
        block = self._block(body["steps"], body.key_lines["steps"], scope, f"subworkflow '{name}'")
        undefined = first_undefined(root, self._is_global_name)
        if undefined is not None:
            reference, message = undefined
            raise self.fail(reference.line, message)
        return m.Subworkflow(name, params, required, block)

    def _is_global_name(self, name: str) -> bool:
        """A name valid everywhere: a subworkflow, a stdlib module or function, a connector
        root (`googleapis`). Names of the stdlib count even where a variable could shadow
        them (`map` is a variable in Google's iterate_map sample)."""
        return (
            name in self.subworkflows
            or name in STDLIB_MODULES
            or name == "googleapis"
            or lookup_builtin(name) is not None
        )

    @contextmanager
    def _local_scope(self, label: str, line: int) -> Iterator[VariableScope]:
        """Compile the steps inside the `with` in a child variable scope."""
        outer = self._variables
        self._variables = outer.child(label, line)
        try:
            yield self._variables
        finally:
            self._variables = outer

    # --- blocks and steps ------------------------------------------------------------

    def _block(self, raw: Any, line: int, scope: _Scope, owner: str) -> m.Block:
        """Compile the list of steps of `owner` (named in errors), whose names join the jump
        targets `scope` already has."""
        if not isinstance(raw, LineList) or not raw:
            raise self.fail(line, f"{owner}: 'steps' must be a non-empty list of steps")
        entries: list[tuple[str, int, LineDict]] = []
        seen: set[str] = set()
        for item, item_line in zip(raw, raw.item_lines, strict=True):
            if not isinstance(item, LineDict) or len(item) != 1:
                raise self.fail(item_line, "a step is a map with exactly one key: its name")
            ((step_name, body),) = item.items()
            if not isinstance(body, LineDict):
                raise self.fail(item_line, f"step '{step_name}': its body must be a map")
            if step_name in self._step_names:
                raise self.fail(
                    item_line,
                    f"duplicate step name '{step_name}' (step names are unique per subworkflow)",
                )
            self._step_names.add(step_name)
            if step_name in _JUMP_WORDS:
                raise self.fail(item_line, f"'{step_name}' is reserved and cannot name a step")
            seen.add(step_name)
            entries.append((step_name, item_line, body))
        names = frozenset(seen)
        inner = _Scope((names, *scope.names), scope.in_loop)
        return m.Block([self._step(n, ln, body, inner) for n, ln, body in entries])

    def _step(self, name: str, line: int, body: LineDict, scope: _Scope) -> m.Step:
        kinds = [k for k in KINDS if k in body]
        if len(kinds) > 1:
            raise self.fail(line, f"step '{name}' has two kinds: '{kinds[0]}' and '{kinds[1]}'")
        kind = kinds[0] if kinds else ""
        allowed = _KIND_KEYS[kind]
        for key in body:
            if key not in allowed:
                if key in ("args", "result"):  # allowed on a call step, so this is not one
                    raise self.fail(body.key_lines[key], f"step '{name}': '{key}' without 'call'")
                raise self.fail(
                    body.key_lines[key],
                    f"step '{name}': unknown key '{key}' "
                    f"(a {kind or 'next'} step allows: {', '.join(sorted(allowed))})",
                )
        if not kind and "next" not in body:
            raise self.fail(line, f"step '{name}' is empty: give it a kind or a 'next'")
        nxt = self._next(name, body, scope)
        return self._build(kind, name, line, body, scope, nxt)

    def _build(
        self, kind: str, name: str, line: int, body: LineDict, scope: _Scope, nxt: str | None
    ) -> m.Step:
        kline = body.key_lines.get(kind, line)
        if kind == "assign":
            return m.AssignStep(name, line, nxt, self._assignments(name, body["assign"], kline))
        if kind == "call":
            return self._call(name, line, body, nxt)
        if kind == "switch":
            return m.SwitchStep(name, line, nxt, self._conditions(name, body["switch"], kline, scope))
        if kind == "raise":
            return m.RaiseStep(name, line, None, self._compile(body["raise"], kline, name))
        if kind == "return":
            return m.ReturnStep(name, line, None, self._compile(body["return"], kline, name))
        if kind == "steps":
            return m.StepsStep(name, line, nxt, self._block(body["steps"], kline, scope, f"step '{name}'"))
        if kind == "for":
            return m.ForStep(name, line, nxt, self._for(name, body["for"], kline))
        if kind == "parallel":
            return self._parallel(name, line, body["parallel"], kline, nxt)
        if kind == "try":
            return self._try(name, line, body, scope, nxt)
        return m.Step(name, line, nxt)

    def _next(self, name: str, body: LineDict, scope: _Scope) -> str | None:
        if "next" not in body:
            return None
        target = body["next"]
        line = body.key_lines["next"]
        if not isinstance(target, str):
            raise self.fail(line, f"step '{name}': 'next' must be a step name")
        self._check_jump(name, target, line, scope)
        return target

    def _check_jump(self, name: str, target: str, line: int, scope: _Scope) -> None:
        if target == "end":
            return
        if target in ("break", "continue"):
            if not scope.in_loop:
                raise self.fail(line, f"step '{name}': '{target}' outside a for loop")
            return
        if not any(target in names for names in scope.names):
            raise self.fail(
                line,
                f"step '{name}': next '{target}' is not a step of this block or an enclosing "
                "one (jumps cannot enter nested steps or leave a loop, branch or subworkflow)",
            )

    # --- step kinds ------------------------------------------------------------------

    def _assignments(self, name: str, raw: Any, line: int) -> list[m.Assignment]:
        if not isinstance(raw, LineList) or not raw:
            raise self.fail(line, f"step '{name}': 'assign' must be a non-empty list")
        if len(raw) > self.limits.max_assignments_per_step:
            raise self.fail(
                line,
                f"step '{name}': {len(raw)} assignments, more than the limit of "
                f"{self.limits.max_assignments_per_step} per step",
            )
        result = []
        for item, item_line in zip(raw, raw.item_lines, strict=True):
            if not isinstance(item, dict) or len(item) != 1:
                raise self.fail(item_line, f"step '{name}': each assignment is one 'target: value'")
            ((target_text, value),) = item.items()
            target, root = self._target(name, str(target_text), item_line)
            self._variables.define(root)
            result.append(m.Assignment(target, root, self._compile(value, item_line, name)))
        return result

    def _target(self, name: str, text: str, line: int) -> tuple[Expr, str]:
        """Parse an assignment target: `x`, `a.b`, `m["k"]`, `l[0]` (nested)."""
        try:
            expr = parse_expression(text)
        except ExpressionSyntaxError as exc:
            raise self.fail(line, f"step '{name}': invalid assignment target '{text}': {exc}") from None
        node = expr
        while isinstance(node, Attribute | Index):
            if isinstance(node, Index):
                self._check_calls(node.index, line, name)
                self._read(node.index, line, name)
            node = node.target
        if not isinstance(node, Name):
            raise self.fail(
                line,
                f"step '{name}': invalid assignment target '{text}' "
                '(use a variable, a.b, m["key"] or list[index])',
            )
        return expr, node.name

    def _call(self, name: str, line: int, body: LineDict, nxt: str | None) -> m.CallStep:
        function = body["call"]
        cline = body.key_lines["call"]
        if not isinstance(function, str) or not function:
            raise self.fail(cline, f"step '{name}': 'call' must name a function")
        args = body.get("args")
        aline = body.key_lines.get("args", cline)
        if args is not None and not isinstance(args, dict | list):
            raise self.fail(aline, f"step '{name}': 'args' must be a map of argument names or a list")
        result = body.get("result")
        if result is not None and not isinstance(result, str):
            raise self.fail(body.key_lines["result"], f"step '{name}': 'result' must be a name")
        kind = self._check_call_target(name, function, args if args is not None else {}, cline)
        compiled = self._compile(args, aline, name) if args is not None else None
        if result is not None:
            self._variables.define(result)
        return m.CallStep(name, line, nxt, function, kind, compiled, result)

    def _check_call_target(
        self, name: str, function: str, args: dict[str, Any] | list[Any], line: int
    ) -> str:
        if function in self.subworkflows:
            params, required = self.subworkflows[function]
            names = [p for p, _ in params]
            self._check_args(name, function, args, names, required, line)
            return "subworkflow"
        spec = lookup_builtin(function)
        if spec is not None:
            self._check_args(name, function, args, list(spec.params), set(spec.params[: spec.required]), line)
            return "function"
        if is_connector_name(function):
            if isinstance(args, list):
                raise self.fail(line, f"step '{name}': connector '{function}' takes named args (a map)")
            return "connector"
        raise self.fail(line, f"step '{name}': unknown function or subworkflow '{function}'")

    def _check_args(
        self,
        name: str,
        function: str,
        args: dict[str, Any] | list[Any],
        params: list[str],
        required: set[str],
        line: int,
    ) -> None:
        if isinstance(args, list):
            # Positional args (Google's `args: [${x}, "ERROR"]` form) fill params in order.
            if len(args) > len(params):
                raise self.fail(
                    line,
                    f"step '{name}': '{function}' takes at most {len(params)} arguments, {len(args)} given",
                )
            args = dict.fromkeys(params[: len(args)])
        known = set(params)
        for arg in args:
            if arg not in known:
                raise self.fail(
                    line,
                    f"step '{name}': '{function}' has no argument '{arg}' "
                    f"(it takes: {', '.join(sorted(known)) or 'nothing'})",
                )
        missing = sorted(required - set(args))
        if missing:
            raise self.fail(line, f"step '{name}': '{function}' needs argument(s) {', '.join(missing)}")

    def _conditions(self, name: str, raw: Any, line: int, scope: _Scope) -> list[m.Condition]:
        if not isinstance(raw, LineList) or not raw:
            raise self.fail(line, f"step '{name}': 'switch' must be a non-empty list")
        if len(raw) > self.limits.max_switch_conditions:
            raise self.fail(
                line,
                f"step '{name}': {len(raw)} conditions, more than the limit of "
                f"{self.limits.max_switch_conditions}",
            )
        result = []
        for item, item_line in zip(raw, raw.item_lines, strict=True):
            if not isinstance(item, LineDict) or "condition" not in item:
                raise self.fail(item_line, f"step '{name}': each switch item needs 'condition'")
            action_body = LineDict({k: v for k, v in item.items() if k != "condition"})
            action_body.key_lines = item.key_lines
            self._check_keys(name, action_body, _CONDITION_ACTIONS, "a condition")
            if not action_body:
                raise self.fail(item_line, f"step '{name}': a condition needs an action (next...)")
            test = self._compile(item["condition"], item.key_lines["condition"], name)
            action = self._step(name, item_line, action_body, scope)
            result.append(m.Condition(test, action))
        return result

    def _for(self, name: str, raw: Any, line: int, kind: str = "for loop") -> m.ForLoop:
        if not isinstance(raw, LineDict):
            raise self.fail(line, f"step '{name}': 'for' must be a map")
        self._check_keys(name, raw, {"value", "index", "in", "range", "steps"}, "'for'")
        for key in ("value", "index"):
            if key in raw and not isinstance(raw[key], str):
                raise self.fail(raw.key_lines[key], f"step '{name}': '{key}' must be a name")
        if "value" not in raw:
            raise self.fail(line, f"step '{name}': 'for' needs 'value'")
        if ("in" in raw) == ("range" in raw):
            raise self.fail(line, f"step '{name}': 'for' needs exactly one of 'in' and 'range'")
        if "steps" not in raw:
            raise self.fail(line, f"step '{name}': 'for' needs 'steps'")
        items = self._compile(raw["in"], raw.key_lines["in"], name) if "in" in raw else None
        rng = None
        if "range" in raw:
            rline = raw.key_lines["range"]
            value = raw["range"]
            if isinstance(value, list) and len(value) != 2:
                raise self.fail(rline, f"step '{name}': 'range' is [start, end]")
            rng = self._compile(value, rline, name)
        loop_scope = _Scope((), in_loop=True)
        with self._local_scope(f"{kind} '{name}'", line) as variables:
            for key in ("value", "index"):
                if key in raw:
                    variables.define(raw[key])
            body = self._block(raw["steps"], raw.key_lines["steps"], loop_scope, f"{kind} '{name}'")
        return m.ForLoop(raw["value"], raw.get("index"), items, rng, body)

    def _parallel(self, name: str, line: int, raw: Any, kline: int, nxt: str | None) -> m.ParallelStep:
        if not isinstance(raw, LineDict):
            raise self.fail(kline, f"step '{name}': 'parallel' must be a map")
        allowed = {"shared", "concurrency_limit", "exception_policy", "branches", "for"}
        self._check_keys(name, raw, allowed, "'parallel'")
        if ("branches" in raw) == ("for" in raw):
            raise self.fail(kline, f"step '{name}': 'parallel' needs exactly one of branches/for")
        shared = raw.get("shared", [])
        if not isinstance(shared, list) or not all(isinstance(s, str) for s in shared):
            raise self.fail(raw.key_lines.get("shared", kline), f"step '{name}': 'shared' is a list of names")
        policy = raw.get("exception_policy", "continueAll")
        if policy != "continueAll":
            raise self.fail(
                raw.key_lines["exception_policy"],
                f"step '{name}': exception_policy '{policy}' is not supported "
                "(continueAll is the only policy)",
            )
        limit = None
        if "concurrency_limit" in raw:
            value = raw["concurrency_limit"]
            lline = raw.key_lines["concurrency_limit"]
            if not (isinstance(value, str) or (isinstance(value, int) and value > 0)):
                raise self.fail(lline, f"step '{name}': concurrency_limit must be a positive int")
            if isinstance(value, bool):
                raise self.fail(lline, f"step '{name}': concurrency_limit must be a positive int")
            limit = self._compile(value, lline, name)
        step = m.ParallelStep(name, line, nxt, list(shared), limit, policy)
        if "for" in raw:
            step.loop = self._for(name, raw["for"], raw.key_lines["for"], "parallel for loop")
        else:
            step.branches = self._branches(name, raw["branches"], raw.key_lines["branches"])
        return step

    def _branches(self, name: str, raw: Any, line: int) -> list[m.Branch]:
        if not isinstance(raw, LineList) or not raw:
            raise self.fail(line, f"step '{name}': 'branches' must be a non-empty list")
        if len(raw) > self.limits.max_parallel_branches:
            raise self.fail(
                line,
                f"step '{name}': {len(raw)} branches, more than the limit of "
                f"{self.limits.max_parallel_branches}",
            )
        branches = []
        seen: set[str] = set()
        for item, item_line in zip(raw, raw.item_lines, strict=True):
            if not isinstance(item, LineDict) or len(item) != 1:
                raise self.fail(item_line, f"step '{name}': a branch is 'name: {{steps: ...}}'")
            ((branch_name, body),) = item.items()
            if not isinstance(body, LineDict) or set(body) != {"steps"}:
                raise self.fail(item_line, f"branch '{branch_name}' must contain only 'steps'")
            if branch_name in seen:
                raise self.fail(item_line, f"duplicate branch name '{branch_name}'")
            seen.add(branch_name)
            branch_scope = _Scope((), in_loop=False)
            with self._local_scope(f"parallel branch '{branch_name}' of step '{name}'", item_line):
                block = self._block(
                    body["steps"], body.key_lines["steps"], branch_scope, f"branch '{branch_name}'"
                )
            branches.append(m.Branch(branch_name, block))
        return branches

    def _try(self, name: str, line: int, body: LineDict, scope: _Scope, nxt: str | None) -> m.TryStep:
        if "retry" not in body and "except" not in body:
            raise self.fail(line, f"step '{name}': 'try' needs 'retry' or 'except'")
        raw_try = body["try"]
        tline = body.key_lines["try"]
        if not isinstance(raw_try, LineDict):
            raise self.fail(tline, f"step '{name}': 'try' must be a map (steps, call, ...)")
        if "next" in raw_try:
            raise self.fail(raw_try.key_lines["next"], f"step '{name}': put 'next' on the try step")
        inner = self._step(name, tline, raw_try, scope)
        step = m.TryStep(name, line, nxt, inner)
        if "retry" in body:
            retry = body["retry"]
            rline = body.key_lines["retry"]
            if isinstance(retry, LineDict):
                self._check_retry_map(name, retry, rline)
            elif not (isinstance(retry, str) and expression_source(retry) is not None):
                raise self.fail(rline, f"step '{name}': 'retry' is a policy map or an expression")
            step.retry = self._compile(retry, rline, name)
        if "except" in body:
            raw_except = body["except"]
            eline = body.key_lines["except"]
            if not isinstance(raw_except, LineDict) or "steps" not in raw_except:
                raise self.fail(eline, f"step '{name}': 'except' needs 'steps' (and 'as')")
            self._check_keys(name, raw_except, {"as", "steps"}, "'except'")
            as_name = raw_except.get("as")
            if as_name is not None and not isinstance(as_name, str):
                raise self.fail(eline, f"step '{name}': 'as' must be a variable name")
            step.except_as = as_name
            if as_name is not None:
                # Open case (names.py): the `as` variable counts as one of the try step's scope.
                self._variables.define(as_name)
            with self._local_scope(f"the except block of step '{name}'", eline):
                step.except_body = self._block(
                    raw_except["steps"],
                    raw_except.key_lines["steps"],
                    scope,
                    f"the except block of step '{name}'",
                )
        return step

    def _check_retry_map(self, name: str, retry: LineDict, line: int) -> None:
        self._check_keys(name, retry, {"predicate", "max_retries", "backoff"}, "'retry'", line)
        for key in ("predicate", "max_retries"):
            if key not in retry:
                raise self.fail(line, f"step '{name}': 'retry' needs '{key}'")
        backoff = retry.get("backoff")
        if backoff is not None:
            if not isinstance(backoff, LineDict):
                raise self.fail(line, f"step '{name}': 'backoff' must be a map")
            self._check_keys(name, backoff, {"initial_delay", "max_delay", "multiplier"}, "'backoff'", line)
        predicate = retry["predicate"]
        if isinstance(predicate, str) and expression_source(predicate) is None:
            raise self.fail(line, f"step '{name}': 'predicate' must be an expression like ${{f}}")

    def _check_keys(
        self, name: str, raw: LineDict, allowed: set[str], where: str, line: int | None = None
    ) -> None:
        """Reject the first key of `raw` not in `allowed`, at its own line unless `line`."""
        for key in raw:
            if key not in allowed:
                raise self.fail(
                    raw.key_lines[key] if line is None else line,
                    f"step '{name}': unknown key '{key}' in {where} (allowed: {', '.join(sorted(allowed))})",
                )

    # --- expressions -----------------------------------------------------------------

    def _compile(self, value: Any, line: int, step: str) -> Compiled:
        """Compile a value, reporting an over-long or malformed expression and an unknown
        call at the line of the expression itself (a map key's own line, say)."""
        expressions = list(_expressions(value, line))
        for text, _, text_line in expressions:
            if len(text) > self.limits.max_expression_length:
                raise self.fail(
                    text_line,
                    f"step '{step}': expression of {len(text)} characters, more than the limit of "
                    f"{self.limits.max_expression_length} (counting the ${{ and }})",
                )
        for text, source, text_line in expressions:
            try:
                expr = parse_expression(source)
            except ExpressionSyntaxError as exc:
                raise self.fail(text_line, f"step '{step}': invalid expression {text!r}: {exc}") from None
            self._check_calls(expr, text_line, step)
            self._read(expr, text_line, step)
        return compile_value(plain(value))

    def _read(self, expr: Expr, line: int, step: str) -> None:
        """Record the variables `expr` reads, for the name check at the subworkflow's end."""
        for node in _walk(expr):
            if isinstance(node, Name):
                self._variables.read(node.name, line, step)

    def _check_calls(self, expr: Expr, line: int, step: str) -> None:
        for node in _walk(expr):
            if isinstance(node, Call) and not self._is_callable(node.function):
                raise self.fail(line, f"step '{step}': unknown function '{node.function}' in an expression")

    def _is_callable(self, function: str) -> bool:
        # A connector name is accepted in an expression too: Google's connector_secretmanager
        # sample calls `${googleapis.secretmanager.v1.projects.secrets.versions.accessString(...)}`.
        return (
            function in self.subworkflows
            or lookup_builtin(function) is not None
            or is_connector_name(function)
        )


def _walk(expr: Any) -> Iterator[Expr]:
    if isinstance(expr, Expr):
        yield expr
    if is_dataclass(expr):
        for f in fields(expr):
            yield from _walk(getattr(expr, f.name))
    elif isinstance(expr, tuple):
        for item in expr:
            yield from _walk(item)


def _expressions(value: Any, line: int) -> Iterator[tuple[str, str, int]]:
    """Every `${...}` string inside a raw value (map keys included, as in
    `{"${dynamicKey}": 1}` from Google's maps page): its text, the source inside the
    delimiters, and its line (`line` for `value` itself; the loader's line of each key and
    item below it). Only these strings are parsed by compile_value."""
    if isinstance(value, str):
        source = expression_source(value)
        if source is not None:
            yield value, source, line
    if isinstance(value, LineDict):
        for key in value:
            yield from _expressions(str(key), value.key_lines[key])
    for item, item_line in _children(value):
        yield from _expressions(item, item_line)


def _children(value: Any) -> list[tuple[Any, int]]:
    """The items of a raw map (LineDict) or list (LineList) with their lines."""
    if isinstance(value, LineDict):
        return [(item, value.key_lines[key]) for key, item in value.items()]
    if isinstance(value, LineList):
        return list(zip(value, value.item_lines, strict=True))
    return []
