"""Runs a compiled workflow: steps, jumps, calls, loops, try/retry, limits, billing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workflow_runtime.engine import model as m
from workflow_runtime.engine.accounting import Limits
from workflow_runtime.engine.context import CallContext
from workflow_runtime.engine.control import BREAK, CONTINUE, Control, Jump, Return, next_control
from workflow_runtime.engine.functions import connector_for, is_connector_name, lookup_builtin
from workflow_runtime.engine.http_builtins import is_internal_url
from workflow_runtime.engine.loops import loop_frames
from workflow_runtime.engine.parallel import run_parallel
from workflow_runtime.engine.retry import run_with_retry
from workflow_runtime.engine.scopes import Frame, json_size
from workflow_runtime.errors import UnemulatedConnectorError, WorkflowError, make_error
from workflow_runtime.expressions import FunctionRef, resolve, type_name
from workflow_runtime.expressions.ast import Attribute, Expr, Index, Name
from workflow_runtime.expressions.evaluator import evaluate
from workflow_runtime.stdlib.spec import check_arity


class Execution:
    """One execution of a workflow."""

    def __init__(self, workflow: m.Workflow, ctx: CallContext, limits: Limits) -> None:
        self.workflow = workflow
        self.ctx = ctx
        self.limits = limits
        self.counter = ctx.steps
        self._handlers: dict[type, Callable[[Any, Frame], Control]] = {
            m.AssignStep: self._assign,
            m.CallStep: self._call,
            m.SwitchStep: self._switch,
            m.ReturnStep: self._return,
            m.RaiseStep: self._raise,
            m.StepsStep: self._steps,
            m.ForStep: self._for,
            m.TryStep: self._try,
            m.Step: _no_op,
        }
        self._handlers[m.ParallelStep] = lambda step, frame: run_parallel(self, step, frame)

    # --- entry points ----------------------------------------------------------------

    def run(self, argument: Any) -> Any:
        """Run `main` with the runtime argument; return its result or raise WorkflowError."""
        main = self.workflow.main
        frame = Frame(self)
        if main.params:
            name, default = main.params[0]
            frame.define(name, argument if argument is not None else default)
        self.check_memory(frame)
        return self.run_body(main.body, frame)

    def run_body(self, block: m.Block, frame: Frame) -> Any:
        """Run a subworkflow body and return what it returns (null by default)."""
        ctl = self.run_block(block, frame)
        if isinstance(ctl, Return):
            return ctl.value
        return None

    def call_subworkflow(
        self, name: str, named: dict[str, Any] | None, positional: list[Any] | None, caller: Frame
    ) -> Any:
        """Call subworkflow `name` with named or positional arguments."""
        sub = self.workflow.subworkflows[name]
        depth = caller.depth + 1
        if depth > self.limits.max_call_depth:
            raise make_error(
                "RecursionError",
                f"maximum call stack depth of {self.limits.max_call_depth} exceeded calling '{name}'",
            )
        frame = Frame(self, depth=depth, parallel_depth=caller.parallel_depth, caller=caller)
        if positional is not None:
            if len(positional) > len(sub.params):
                raise make_error(
                    "TypeError",
                    f"subworkflow '{name}' takes {len(sub.params)} arguments, {len(positional)} given",
                )
            named = {p: v for (p, _), v in zip(sub.params, positional, strict=False)}
        named = named or {}
        for param, default in sub.params:
            if param in named:
                frame.define(param, named[param])
            elif param in sub.required:
                raise make_error("TypeError", f"subworkflow '{name}': missing argument '{param}'")
            else:
                frame.define(param, default)
        self.check_memory(frame)
        return self.run_body(sub.body, frame)

    def call_positional(self, name: str, args: list[Any], frame: Frame) -> Any:
        """A call from an expression (or of a FunctionRef), positional arguments."""
        if name in self.workflow.subworkflows:
            return self.call_subworkflow(name, None, args, frame)
        spec = lookup_builtin(name)
        if spec is None:
            if is_connector_name(name):  # e.g. secretmanager's accessString helper
                raise UnemulatedConnectorError(name)
            raise make_error("KeyError", f"function not found: {name}")
        check_arity(spec, args)
        return spec.impl(self.ctx, *args)

    def call_ref(self, ref: Any, args: list[Any], frame: Frame) -> Any:
        """Call a function value (FunctionRef), e.g. a retry predicate."""
        if not isinstance(ref, FunctionRef):
            raise make_error("TypeError", f"expected a function, got {type_name(ref)}")
        return self.call_positional(ref.name, args, frame)

    # --- blocks and steps ------------------------------------------------------------

    def run_block(self, block: m.Block, frame: Frame) -> Control:
        """Run steps in order, following jumps that land in this block."""
        steps = block.steps
        count = len(steps)
        i = 0
        while i < count:
            ctl = self.run_step(steps[i], frame)
            if ctl is None:
                i += 1
                continue
            if type(ctl) is Jump:
                pos = block.positions.get(ctl.target)
                if pos is not None:
                    i = pos
                    continue
            return ctl
        return None

    def run_step(self, step: m.Step, frame: Frame) -> Control:
        """Run one step (billing it) and apply its `next`."""
        if type(step) is not m.TryStep and type(step) is not m.CallStep:
            # try bills its attempts through its body; a call bills once it knows the URL.
            # Named containers (`steps:`, for, parallel) are steps and bill once each: the
            # pricing page counts "any step that executes" and is silent on containers, so
            # this keeps the behaviour we had.
            self.counter.internal()
        ctl = self._handlers[type(step)](step, frame)
        if ctl is None and step.next is not None:
            return next_control(step.next)
        return ctl

    def _assign(self, step: m.AssignStep, frame: Frame) -> Control:
        for assignment in step.assignments:
            value = resolve(assignment.value, frame)
            self.assign(assignment.target, value, frame)
        self.check_memory(frame)
        return None

    def assign(self, target: Expr, value: Any, frame: Frame) -> None:
        """Assign to `x`, `a.b`, `m["k"]` or `l[i]`; missing map keys are created.

        Values behave as values, not references: the containers along the path are
        copied before the write, so another variable holding the same map or list (after
        `b: ${a}`) keeps its old content.
        """
        if isinstance(target, Name):
            frame.set(target.name, value)
            return
        path: list[Any] = []
        node = target
        while isinstance(node, Attribute | Index):
            path.append(node.name if isinstance(node, Attribute) else evaluate(node.index, frame))
            node = node.target
        assert isinstance(node, Name)  # the compiler only lets such targets through
        path.reverse()
        root = _copy_container(frame.get_variable(node.name))
        # The root's new size from the old one and the change at the leaf, so a loop
        # filling a big map does not re-measure the whole map at every step.
        size = frame.size_of(node.name) + json_size(value)
        container = root
        for key in path[:-1]:
            if isinstance(container, dict) and isinstance(key, str) and key not in container:
                child: Any = {}
                size += _entry_size(container, key) + 2
            else:
                child = _copy_container(_item(container, key))
            _set_item(container, key, child)
            container = child
        leaf = path[-1]
        if isinstance(container, dict) and isinstance(leaf, str) and leaf not in container:
            size += _entry_size(container, leaf)
        elif isinstance(container, dict | list):
            size -= json_size(_item(container, leaf))
        _set_item(container, leaf, value)
        frame.set(node.name, root, size)

    def _call(self, step: m.CallStep, frame: Frame) -> Control:
        args = resolve(step.args, frame) if step.args is not None else {}
        if step.function.startswith("http.") and not is_internal_url(_url_argument(step.function, args)):
            self.counter.external()
        else:
            self.counter.internal()
        if step.kind == "subworkflow":
            if isinstance(args, list):
                value = self.call_subworkflow(step.function, None, args, frame)
            else:
                value = self.call_subworkflow(step.function, args, None, frame)
        elif step.kind == "function":
            spec = lookup_builtin(step.function)
            assert spec is not None  # checked at load time
            value = spec.impl(self.ctx, *args) if isinstance(args, list) else spec.impl(self.ctx, **args)
        else:
            value = connector_for(self.ctx.services, step.function).impl(self.ctx, args)
        if step.result is not None:
            frame.set(step.result, value)
            self.check_memory(frame)
        return None

    def _switch(self, step: m.SwitchStep, frame: Frame) -> Control:
        for condition in step.conditions:
            test = resolve(condition.test, frame)
            if not isinstance(test, bool):
                raise make_error(
                    "TypeError",
                    f"step '{step.name}': condition must be a boolean, got {type_name(test)}",
                )
            if test:
                # The action's own `next` wins; without one, the switch's `next` applies
                # (Google's "steps inside a switch, then next: STEP_D" example).
                action = condition.action
                if type(action) is m.Step:  # only `next`
                    return next_control(action.next) if action.next else None
                if type(action) is m.StepsStep:
                    # A condition's `steps:` is part of the switch step, not a step of its
                    # own: Google bills executed steps (pricing page), and the steps here are
                    # the named ones inside it (conditions page, "nest multiple steps inside a
                    # switch block"). So only the switch and the nested steps are billed, as
                    # for the unnamed `steps:` of a for body or an except.
                    ctl = self.run_block(action.body, frame)
                    if ctl is None and action.next is not None:
                        return next_control(action.next)
                    return ctl
                # An inline assign/call/return/raise does the work the pricing page lists
                # (assigning variables, calls); the docs do not say whether it is billed apart
                # from the switch, so it keeps being billed as one more step.
                return self.run_step(action, frame)
        return None

    def _return(self, step: m.ReturnStep, frame: Frame) -> Control:
        return Return(resolve(step.value, frame) if step.value is not None else None)

    def _raise(self, step: m.RaiseStep, frame: Frame) -> Control:
        raise WorkflowError(resolve(step.value, frame) if step.value is not None else None)

    def _steps(self, step: m.StepsStep, frame: Frame) -> Control:
        return self.run_block(step.body, frame)

    def _for(self, step: m.ForStep, frame: Frame) -> Control:
        loop = step.loop
        assert loop is not None
        for _, inner in loop_frames(loop, frame):
            ctl = self.run_block(loop.body, inner)
            if ctl is BREAK:
                break
            if ctl is None or ctl is CONTINUE:
                continue
            return ctl
        return None

    def _try(self, step: m.TryStep, frame: Frame) -> Control:
        assert step.body is not None
        try:
            if step.retry is None:
                return self.run_step(step.body, frame)
            return run_with_retry(self, step, frame)
        except WorkflowError as error:
            if step.except_body is None:
                raise
            if step.except_as is not None:
                frame.set(step.except_as, error.value)
            return self.run_block(step.except_body, frame)

    # --- limits ----------------------------------------------------------------------

    def check_memory(self, frame: Frame) -> None:
        """ResourceLimitError when the live variables exceed the memory limit."""
        size = frame.live_size()
        if size > self.limits.max_variables_bytes:
            raise make_error(
                "ResourceLimitError",
                f"variables use {size} bytes, more than the limit of "
                f"{self.limits.max_variables_bytes} bytes per execution",
            )


def _no_op(step: m.Step, frame: Frame) -> Control:
    return None


def _url_argument(function: str, args: dict[str, Any] | list[Any]) -> Any:
    """The `url` argument of an http.* call, named or positional (http.request takes the
    method first). The compiler has checked that the call passes one."""
    if isinstance(args, dict):
        return args["url"]
    return args[1 if function == "http.request" else 0]


def _item(container: Any, key: Any) -> Any:
    if isinstance(container, dict):
        if not isinstance(key, str):
            raise make_error("TypeError", f"map key must be a string, got {type_name(key)}")
        return container[key]
    if isinstance(container, list):
        _check_index(container, key)
        return container[key]
    raise make_error("TypeError", f"cannot index a {type_name(container)}")


def _set_item(container: Any, key: Any, value: Any) -> None:
    """Write `container[key]`; a map key or list index has been checked by `_item` (or is
    a new map key: a string)."""
    if not isinstance(container, dict | list):
        raise make_error("TypeError", f"cannot assign into a {type_name(container)}")
    container[key] = value


def _check_index(container: list[Any], key: Any) -> None:
    if not isinstance(key, int) or isinstance(key, bool):
        raise make_error("TypeError", f"list index must be an int, got {type_name(key)}")
    if not 0 <= key < len(container):
        raise make_error("IndexError", f"list index {key} out of range (list has {len(container)} elements)")


def _entry_size(container: dict[str, Any], key: str) -> int:
    """JSON bytes a new map entry adds besides its value: quoted key, colon, comma."""
    return len(key) + 3 + (1 if container else 0)


def _copy_container(value: Any) -> Any:
    if isinstance(value, dict | list):
        return value.copy()
    return value
