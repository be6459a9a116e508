"""Tokenizer for Workflows expressions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workflow_runtime.expressions.values import INT64_MAX


class ExpressionSyntaxError(Exception):
    """A malformed expression; `offset` is the character position in the expression text."""

    def __init__(self, message: str, offset: int) -> None:
        self.message = message
        self.offset = offset
        super().__init__(f"{message} (at character {offset})")


@dataclass(frozen=True)
class Token:
    """One token: kind is NUMBER, STRING, NAME, KEYWORD, OP or END."""

    kind: str
    value: Any
    offset: int
    # The source spelling of words and numbers: a word can be a field name (`m.in`), and
    # error messages quote what was written (`true`, `1e3`), not the parsed value.
    text: str = ""


# Google accepts these spellings only: all lower-case, all upper-case (and Capitalized for
# booleans, as in the data types page); mixed case like `And` is a plain name.
_KEYWORDS = {
    "and": "and",
    "AND": "and",
    "or": "or",
    "OR": "or",
    "not": "not",
    "NOT": "not",
    "in": "in",
}
_CONSTANTS: dict[str, Any] = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
    "null": None,
}
_OPERATORS = (
    "//",
    "==",
    "!=",
    "<=",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "<",
    ">",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    ".",
)
_ESCAPES = {
    '"': '"',
    "'": "'",
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}


def tokenize(source: str) -> list[Token]:
    """Split expression text into tokens, ending with an END token."""
    tokens: list[Token] = []
    pos = 0
    length = len(source)
    while pos < length:
        char = source[pos]
        if char.isspace():
            pos += 1
        elif char == '"':
            text, end = _read_string(source, pos)
            tokens.append(Token("STRING", text, pos))
            pos = end
        elif char.isdigit() or (char == "." and pos + 1 < length and source[pos + 1].isdigit()):
            value, end = _read_number(source, pos)
            tokens.append(Token("NUMBER", value, pos, source[pos:end]))
            pos = end
        elif char.isalpha() or char == "_":
            end = pos
            while end < length and (source[end].isalnum() or source[end] == "_"):
                end += 1
            word = source[pos:end]
            if word in _KEYWORDS:
                tokens.append(Token("KEYWORD", _KEYWORDS[word], pos, word))
            elif word in _CONSTANTS:
                tokens.append(Token("CONSTANT", _CONSTANTS[word], pos, word))
            else:
                tokens.append(Token("NAME", word, pos, word))
            pos = end
        else:
            for op in _OPERATORS:
                if source.startswith(op, pos):
                    tokens.append(Token("OP", op, pos))
                    pos += len(op)
                    break
            else:
                raise ExpressionSyntaxError(f"unexpected character {char!r}", pos)
    tokens.append(Token("END", None, length))
    return tokens


def _read_string(source: str, start: int) -> tuple[str, int]:
    """Read a double-quoted string starting at `start`; return (text, position after it)."""
    out: list[str] = []
    pos = start + 1
    while pos < len(source):
        char = source[pos]
        if char == '"':
            return "".join(out), pos + 1
        if char == "\\":
            if pos + 1 >= len(source):
                break
            code = source[pos + 1]
            if code in _ESCAPES:
                out.append(_ESCAPES[code])
                pos += 2
            elif code == "u":
                digits = source[pos + 2 : pos + 6]
                if len(digits) != 4 or not all(c in "0123456789abcdefABCDEF" for c in digits):
                    raise ExpressionSyntaxError(r"bad \u escape: expected 4 hex digits", pos)
                out.append(chr(int(digits, 16)))
                pos += 6
            else:
                raise ExpressionSyntaxError(f"unknown escape sequence \\{code}", pos)
        else:
            out.append(char)
            pos += 1
    raise ExpressionSyntaxError("unterminated string literal: add the closing '\"'", start)


def _read_number(source: str, start: int) -> tuple[int | float, int]:
    pos = start
    length = len(source)
    while pos < length and source[pos].isdigit():
        pos += 1
    is_double = False
    if pos < length and source[pos] == "." and pos + 1 < length and source[pos + 1].isdigit():
        is_double = True
        pos += 1
        while pos < length and source[pos].isdigit():
            pos += 1
    if pos < length and source[pos] in "eE":
        exp = pos + 1
        if exp < length and source[exp] in "+-":
            exp += 1
        if exp < length and source[exp].isdigit():
            is_double = True
            pos = exp
            while pos < length and source[pos].isdigit():
                pos += 1
    if pos < length and (source[pos].isalpha() or source[pos] == "_"):
        raise ExpressionSyntaxError(f"malformed number {source[start : pos + 1]!r}", start)
    text = source[start:pos]
    if is_double:
        return float(text), pos
    value = int(text)
    if value > INT64_MAX:
        raise ExpressionSyntaxError(
            f"integer literal {text} does not fit in a 64-bit int; write it as a double", start
        )
    return value, pos
