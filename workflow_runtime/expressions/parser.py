"""Recursive-descent parser for Workflows expressions.

Precedence, loosest first, as in Google's data types page ("Order of operations"):
`or`, `and`, comparisons (`==`, `!=`, `<`, `<=`, `>`, `>=`, `in`), `+ -`, `* / // %`,
unary `-`, `not`, then postfix `.` `[]` `()` and parentheses. Note that `not` binds
tighter than comparisons there: `not a == b` is `(not a) == b`.
"""

from __future__ import annotations

from workflow_runtime.expressions.ast import (
    Attribute,
    Binary,
    Call,
    Expr,
    Index,
    ListLiteral,
    Literal,
    MapLiteral,
    Name,
    Unary,
)
from workflow_runtime.expressions.lexer import ExpressionSyntaxError, Token, tokenize

# Deep nesting would exhaust Python's stack; Google limits expression length anyway.
_MAX_DEPTH = 100

_COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")


def parse_expression(source: str) -> Expr:
    """Parse the text inside `${...}` into a syntax tree, or raise ExpressionSyntaxError."""
    if not source.strip():
        raise ExpressionSyntaxError("empty expression: write a value inside ${...}", 0)
    parser = _Parser(tokenize(source))
    expr = parser.parse_or()
    token = parser.peek()
    if token.kind != "END":
        raise ExpressionSyntaxError(f"unexpected {_show(token)} after a complete expression", token.offset)
    return expr


def _show(token: Token) -> str:
    if token.kind == "END":
        return "end of expression"
    if token.kind == "STRING":
        return f"string {token.value!r}"
    # What was written (`true`, `1e3`), not the parsed value (True, 1000.0); an operator's
    # value is its spelling.
    return repr(token.text or token.value)


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def at_op(self, *ops: str) -> bool:
        token = self.peek()
        return token.kind == "OP" and token.value in ops

    def at_keyword(self, word: str) -> bool:
        token = self.peek()
        return token.kind == "KEYWORD" and token.value == word

    def expect_op(self, op: str, context: str) -> Token:
        token = self.peek()
        if token.kind == "OP" and token.value == op:
            return self.advance()
        raise ExpressionSyntaxError(f"expected '{op}' {context}, found {_show(token)}", token.offset)

    def parse_or(self) -> Expr:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise ExpressionSyntaxError("expression nested too deeply", self.peek().offset)
        left = self.parse_and()
        while self.at_keyword("or"):
            token = self.advance()
            left = Binary(token.offset, "or", left, self.parse_and())
        self.depth -= 1
        return left

    def parse_and(self) -> Expr:
        left = self.parse_comparison()
        while self.at_keyword("and"):
            token = self.advance()
            left = Binary(token.offset, "and", left, self.parse_comparison())
        return left

    def parse_comparison(self) -> Expr:
        left = self.parse_additive()
        while self.at_op(*_COMPARISONS) or self.at_keyword("in"):
            token = self.advance()
            left = Binary(token.offset, token.value, left, self.parse_additive())
        return left

    def parse_additive(self) -> Expr:
        left = self.parse_multiplicative()
        while self.at_op("+", "-"):
            token = self.advance()
            left = Binary(token.offset, token.value, left, self.parse_multiplicative())
        return left

    def parse_multiplicative(self) -> Expr:
        left = self.parse_unary()
        while self.at_op("*", "/", "//", "%"):
            token = self.advance()
            left = Binary(token.offset, token.value, left, self.parse_unary())
        return left

    def parse_unary(self) -> Expr:
        if self.at_op("-"):
            token = self.advance()
            operand = self.parse_unary()
            # A negative number literal is a constant, not an operation to evaluate each time.
            value = operand.value if isinstance(operand, Literal) else None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return Literal(token.offset, -value)
            return Unary(token.offset, "-", operand)
        if self.at_keyword("not"):
            token = self.advance()
            return Unary(token.offset, "not", self.parse_unary())
        return self.parse_postfix()

    def parse_postfix(self) -> Expr:
        expr = self.parse_primary()
        while True:
            if self.at_op("."):
                self.advance()
                token = self.peek()
                if token.kind not in ("NAME", "KEYWORD", "CONSTANT"):
                    raise ExpressionSyntaxError(
                        f"expected a field name after '.', found {_show(token)}", token.offset
                    )
                self.advance()
                expr = Attribute(token.offset, expr, token.text)
            elif self.at_op("["):
                self.advance()
                index = self.parse_or()
                self.expect_op("]", "to close the index")
                expr = Index(expr.offset, expr, index)
            elif self.at_op("("):
                open_paren = self.advance()
                function = _dotted_name(expr)
                if function is None:
                    raise ExpressionSyntaxError(
                        'only named functions can be called, like len(x) or text.split(s, ",")',
                        open_paren.offset,
                    )
                expr = Call(expr.offset, function, tuple(self.parse_arguments()))
            else:
                return expr

    def parse_arguments(self) -> list[Expr]:
        args: list[Expr] = []
        if self.at_op(")"):
            self.advance()
            return args
        while True:
            args.append(self.parse_or())
            if self.at_op(","):
                self.advance()
                continue
            self.expect_op(")", "to close the argument list")
            return args

    def parse_primary(self) -> Expr:
        token = self.peek()
        if token.kind in ("NUMBER", "STRING", "CONSTANT"):
            self.advance()
            return Literal(token.offset, token.value)
        if token.kind == "NAME":
            self.advance()
            return Name(token.offset, token.value)
        if self.at_op("("):
            self.advance()
            expr = self.parse_or()
            self.expect_op(")", "to close the parenthesis")
            return expr
        if self.at_op("["):
            return self.parse_list()
        if self.at_op("{"):
            return self.parse_map()
        raise ExpressionSyntaxError(f"unexpected {_show(token)}", token.offset)

    def parse_list(self) -> Expr:
        start = self.advance()
        items: list[Expr] = []
        if self.at_op("]"):
            self.advance()
            return ListLiteral(start.offset, ())
        while True:
            items.append(self.parse_or())
            if self.at_op(","):
                self.advance()
                continue
            self.expect_op("]", "to close the list")
            return ListLiteral(start.offset, tuple(items))

    def parse_map(self) -> Expr:
        start = self.advance()
        entries: list[tuple[Expr, Expr]] = []
        if self.at_op("}"):
            self.advance()
            return MapLiteral(start.offset, ())
        while True:
            key = self.parse_or()
            self.expect_op(":", "between a map key and its value")
            entries.append((key, self.parse_or()))
            if self.at_op(","):
                self.advance()
                continue
            self.expect_op("}", "to close the map")
            return MapLiteral(start.offset, tuple(entries))


def _dotted_name(expr: Expr) -> str | None:
    """`a.b.c` as a string when `expr` is a chain of plain names, else None."""
    parts: list[str] = []
    while isinstance(expr, Attribute):
        parts.append(expr.name)
        expr = expr.target
    if not isinstance(expr, Name):
        return None
    parts.append(expr.name)
    return ".".join(reversed(parts))
