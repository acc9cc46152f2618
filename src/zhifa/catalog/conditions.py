"""Conditions on named facts, compiled once at load time. Pure: no Django.

A condition is a small expression in Python syntax over fact names, e.g.
``illegal_income_yuan > 10000 and serious`` or ``harm in ("none", "minor")``.
Allowed: ``and or not``, comparisons (``== != < <= > >= in not in``, chained), ``+ - * //``,
integer / string / boolean constants (``true``/``false`` also accepted) and tuples of them.

Evaluation is three-valued: a fact that was not given is *unknown*, and unknown propagates
(``unknown and False`` is False, ``unknown or True`` is True, otherwise unknown). An
exception or a tier whose condition is unknown does not apply, and the engine lists the
facts that were missing.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Fn = Callable[[Mapping[str, Any]], Any]
_MISSING = None  # a fact not given evaluates to None (unknown)

_CMP: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_ARITH: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
}
_OP_TEXT: dict[type, str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}


class ConditionError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Comparison:
    """A comparison of one fact with a constant, collected for the catalog check's probes."""

    fact: str
    op: str
    value: Any


@dataclass(frozen=True, slots=True)
class Condition:
    source: str
    facts: tuple[str, ...]
    comparisons: tuple[Comparison, ...]
    fn: Fn
    # the value when no fact at all is given (None for every ordinary condition); lets the
    # engine skip evaluating a condition whose facts are all absent
    if_none_given: bool | None = None

    def __call__(self, facts: Mapping[str, Any]) -> bool | None:
        v = self.fn(facts)
        if v is None:
            return None
        return bool(v)

    def missing(self, facts: Mapping[str, Any]) -> list[str]:
        return [f for f in self.facts if facts.get(f) is None]


def _const_value(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, str, bool)):
        return node.value
    if isinstance(node, ast.Name) and node.id in ("true", "false"):
        return node.id == "true"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        v = _const_value(node.operand)
        if isinstance(v, int) and not isinstance(v, bool):
            return -v
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(_const_value(e) for e in node.elts)
    raise ConditionError(f"不支持的常量：{ast.dump(node)}")


class _Compiler:
    def __init__(self, known: Mapping[str, Any] | None) -> None:
        self.known = known
        self.facts: list[str] = []
        self.comparisons: list[Comparison] = []

    def compile(self, node: ast.AST) -> Fn:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise ConditionError(f"不支持的表达式：{type(node).__name__}")
        return method(node)

    def _Expression(self, node: ast.Expression) -> Fn:
        return self.compile(node.body)

    def _Constant(self, node: ast.Constant) -> Fn:
        value = _const_value(node)
        return lambda f: value

    def _Tuple(self, node: ast.Tuple) -> Fn:
        value = _const_value(node)
        return lambda f: value

    _List = _Tuple

    def _Name(self, node: ast.Name) -> Fn:
        if node.id in ("true", "false"):
            value = node.id == "true"
            return lambda f: value
        name = node.id
        if self.known is not None and name not in self.known:
            raise ConditionError(f"条件引用了未声明的事实：{name}")
        if name not in self.facts:
            self.facts.append(name)
        return lambda f: f.get(name)

    def _UnaryOp(self, node: ast.UnaryOp) -> Fn:
        if isinstance(node.op, ast.Not):
            inner = self.compile(node.operand)

            def not_(f: Mapping[str, Any]) -> Any:
                v = inner(f)
                return None if v is None else not v

            return not_
        if isinstance(node.op, ast.USub):
            value = _const_value(node)
            return lambda f: value
        raise ConditionError("只支持 not 和负号")

    def _BoolOp(self, node: ast.BoolOp) -> Fn:
        parts = [self.compile(v) for v in node.values]
        if isinstance(node.op, ast.And):

            def and_(f: Mapping[str, Any]) -> Any:
                unknown = False
                for p in parts:
                    v = p(f)
                    if v is None:
                        unknown = True
                    elif not v:
                        return False
                return None if unknown else True

            return and_

        def or_(f: Mapping[str, Any]) -> Any:
            unknown = False
            for p in parts:
                v = p(f)
                if v is None:
                    unknown = True
                elif v:
                    return True
            return None if unknown else False

        return or_

    def _BinOp(self, node: ast.BinOp) -> Fn:
        op = _ARITH.get(type(node.op))
        if op is None:
            raise ConditionError("只支持 + - * //")
        left, right = self.compile(node.left), self.compile(node.right)

        def arith(f: Mapping[str, Any]) -> Any:
            a = left(f)
            if a is None:
                return None
            b = right(f)
            if b is None:
                return None
            return op(a, b)

        return arith

    def _check_literal(self, name_node: ast.AST, const_node: ast.AST, op: type) -> None:
        if not isinstance(name_node, ast.Name) or name_node.id in ("true", "false"):
            return
        try:
            value = _const_value(const_node)
        except ConditionError:
            return
        self.comparisons.append(Comparison(name_node.id, _OP_TEXT[op], value))
        if self.known is None:
            return
        spec = self.known.get(name_node.id)
        allowed = getattr(spec, "values", None)
        if allowed:
            values = value if isinstance(value, tuple) else (value,)
            for v in values:
                if v not in allowed:
                    raise ConditionError(f"事实 {name_node.id} 没有取值 {v!r}（可选：{', '.join(allowed)}）")

    def _Compare(self, node: ast.Compare) -> Fn:
        operands = [node.left, *node.comparators]
        pairs: list[tuple[Callable[[Any, Any], bool], Fn, Fn]] = []
        for i, op_node in enumerate(node.ops):
            op = _CMP.get(type(op_node))
            if op is None:
                raise ConditionError("不支持的比较")
            a, b = operands[i], operands[i + 1]
            self._check_literal(a, b, type(op_node))
            self._check_literal(b, a, type(op_node))
            pairs.append((op, self.compile(a), self.compile(b)))

        if len(pairs) == 1:
            op, left, right = pairs[0]

            def cmp1(f: Mapping[str, Any]) -> Any:
                a = left(f)
                if a is None:
                    return None
                b = right(f)
                if b is None:
                    return None
                return op(a, b)

            return cmp1

        def cmp_chain(f: Mapping[str, Any]) -> Any:
            unknown = False
            for op, left, right in pairs:
                a, b = left(f), right(f)
                if a is None or b is None:
                    unknown = True
                elif not op(a, b):
                    return False
            return None if unknown else True

        return cmp_chain


def compile_condition(source: str, known: Mapping[str, Any] | None = None) -> Condition:
    """Compile ``source``; ``known`` maps declared fact names to their specs (for checks)."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ConditionError(f"条件语法错误：{source!r}（{exc.msg}）") from None
    compiler = _Compiler(known)
    fn = compiler.compile(tree)
    empty = fn({})
    return Condition(
        source.strip(),
        tuple(compiler.facts),
        tuple(compiler.comparisons),
        fn,
        None if empty is None else bool(empty),
    )
