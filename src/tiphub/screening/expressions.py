"""A small boolean condition language with three-valued (Kleene) logic.

The screening rules live in data files (rules.yaml, the decision table, the presumed-victim
policy) as conditions such as ``act_evidence AND (EX OR exploitative_purpose)``. Writing them as
text keeps every rule reviewable by a lawyer or statistician without reading Python, and lets a
country change its policy without changing code.

Values are ``True``, ``False`` or ``None`` (unknown): a screening rarely knows everything, and an
outcome that depends on an unknown fact must say "insufficient" rather than guess. ``AND`` is false
as soon as one operand is false, ``OR`` is true as soon as one operand is true; otherwise an unknown
operand makes the result unknown (strong Kleene logic).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

Tri = bool | None

_TOKEN = re.compile(r"\s*(?:(?P<paren>[()])|(?P<word>[A-Za-z_][A-Za-z0-9_]*))")
_KEYWORDS = {"AND", "OR", "NOT", "TRUE", "FALSE"}


class ExpressionError(ValueError):
    """A condition in a rules file is not well formed (the message quotes it)."""


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Const:
    value: bool


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class And:
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Expr, ...]


Expr = Name | Const | Not | And | Or


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if not match:
            raise ExpressionError(f"unexpected character at {position + 1} in {text!r}")
        tokens.append(match.group("paren") or match.group("word"))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.position = 0

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise ExpressionError(f"condition ends too early: {self.text!r}")
        self.position += 1
        return token

    def parse(self) -> Expr:
        if not self.tokens:
            raise ExpressionError("empty condition")
        expr = self.or_expr()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()!r} in {self.text!r}")
        return expr

    def or_expr(self) -> Expr:
        operands = [self.and_expr()]
        while self.peek() == "OR":
            self.take()
            operands.append(self.and_expr())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def and_expr(self) -> Expr:
        operands = [self.not_expr()]
        while self.peek() == "AND":
            self.take()
            operands.append(self.not_expr())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def not_expr(self) -> Expr:
        if self.peek() == "NOT":
            self.take()
            return Not(self.not_expr())
        return self.atom()

    def atom(self) -> Expr:
        word = self.take()
        if word == "(":
            expr = self.or_expr()
            if self.take() != ")":
                raise ExpressionError(f"missing ')' in {self.text!r}")
            return expr
        if word in ("TRUE", "FALSE"):
            return Const(word == "TRUE")
        if word in _KEYWORDS or word == ")":
            raise ExpressionError(f"unexpected {word!r} in {self.text!r}")
        return Name(word)


def parse(text: str) -> Expr:
    """Parse a condition; raise `ExpressionError` naming the problem."""
    return _Parser(str(text)).parse()


def names(expr: Expr) -> Iterator[str]:
    """Every name the condition mentions (with repeats), in reading order."""
    match expr:
        case Name(name):
            yield name
        case Not(operand):
            yield from names(operand)
        case And(operands) | Or(operands):
            for operand in operands:
                yield from names(operand)
        case Const():
            return


def evaluate(expr: Expr, value_of: Callable[[str], Tri]) -> Tri:
    """Evaluate with strong Kleene logic; `value_of` resolves names."""
    match expr:
        case Const(value):
            return value
        case Name(name):
            return value_of(name)
        case Not(operand):
            inner = evaluate(operand, value_of)
            return None if inner is None else not inner
        case And(operands):
            values = [evaluate(o, value_of) for o in operands]
            if any(v is False for v in values):
                return False
            return None if any(v is None for v in values) else True
        case Or(operands):
            values = [evaluate(o, value_of) for o in operands]
            if any(v is True for v in values):
                return True
            return None if any(v is None for v in values) else False
    raise TypeError(f"not an expression: {expr!r}")  # pragma: no cover - exhaustive match


def decisive_names(expr: Expr, value_of: Callable[[str], Tri]) -> list[str]:
    """The names that justify the condition's value, for explanations.

    A true AND needs all its operands; a false AND is explained by its false operands; a true OR by
    its true operands; an unknown result by its unknown operands.
    """
    result = evaluate(expr, value_of)
    found: list[str] = []

    def walk(node: Expr, value: Tri) -> None:
        match node:
            case Name(name):
                if name not in found:
                    found.append(name)
            case Not(operand):
                walk(operand, None if value is None else not value)
            case And(operands) | Or(operands):
                is_and = isinstance(node, And)
                for operand in operands:
                    operand_value = evaluate(operand, value_of)
                    keep = (
                        operand_value is None
                        if value is None
                        else (value if is_and else not value) or operand_value == value
                    )
                    if keep:
                        walk(operand, operand_value)
            case Const():
                return

    walk(expr, result)
    return found


def render(expr: Expr) -> str:
    """Canonical text of a condition (parenthesised where precedence needs it)."""
    match expr:
        case Name(name):
            return name
        case Const(value):
            return "TRUE" if value else "FALSE"
        case Not(operand):
            inner = render(operand)
            return f"NOT {inner}" if isinstance(operand, Name | Const | Not) else f"NOT ({inner})"
        case And(operands):
            return " AND ".join(
                f"({render(o)})" if isinstance(o, Or) else render(o) for o in operands
            )
        case Or(operands):
            return " OR ".join(
                f"({render(o)})" if isinstance(o, And) else render(o) for o in operands
            )
    raise TypeError(f"not an expression: {expr!r}")  # pragma: no cover
