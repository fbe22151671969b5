"""CEL for CustomResourceDefinition validation rules: compile once, evaluate many, within a budget.

`compile_expression(text)` parses a rule with cel-python, rewrites namespaced calls (`ip.isCanonical(x)`)
into the plain calls celpy understands, and checks what Kubernetes would refuse or kcheck cannot run:
undeclared functions and variables, transition rules (`oldSelf`), CEL features celpy lacks (optional field
selection `self.?x`, two-variable comprehensions). It is cached by text: a rule shared by many CRD versions
is parsed once.

`Program.evaluate(bindings, budget)` runs a compiled expression. Every node the interpreter visits spends
one step of a `Budget` shared by all the rules that validate one object; an exhausted budget raises
`BudgetExceededError` (Kubernetes bounds the same evaluation by a cost budget: a runaway rule is an error,
never a hang).

`to_cel(value, shape)` turns a decoded YAML value into the CEL value Kubernetes gives the rule: objects
with properties become maps keyed by the escaped property names (`x-prop` is `x__dash__prop`), integers
`int`, numbers `double`, `format: date-time` strings timestamps, lists of `x-kubernetes-list-type` set or
map compare without regard to order; unknown fields preserved by `x-kubernetes-preserve-unknown-fields` are
not visible (k8s.io/apiserver/pkg/cel/common/values.go; the type table of
https://kubernetes.io/docs/reference/using-api/cel/#type-system-integration).

celpy is imported here and in `cel_library` only, and only when a CRD rule is compiled.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import functools
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import celpy
import lark
from celpy import celtypes
from celpy.evaluation import Activation, CELEvalError, Evaluator, base_functions

from kcheck.analyzers.schema import cel_library

# Macros celpy evaluates itself (the standard ones, with one variable).
_MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})
# Type names usable as values (`type(self) == string`).
_TYPE_NAMES = frozenset(
    {
        "bool",
        "bytes",
        "double",
        "duration",
        "int",
        "list",
        "map",
        "null_type",
        "string",
        "timestamp",
        "type",
        "uint",
        "dyn",
    }
)
# Functions of the Kubernetes CEL environment that kcheck does not implement: a rule that calls one is
# skipped (and said so), never reported as invalid.
_UNSUPPORTED_FUNCTIONS = frozenset(
    {
        # authorizer library (admission policies; no authorizer exists offline)
        "authorizer",
        "group",
        "resource",
        "subresource",
        "namespace",
        "name",
        "check",
        "allowed",
        "reason",
        "errored",
        "error",
        "path",
        "serviceAccount",
        "fieldSelector",
        "labelSelector",
        # two-variable comprehensions (Kubernetes 1.32+) and optional helpers celpy cannot express
        "transformList",
        "transformMap",
        "transformMapEntry",
        "or",
        "optMap",
        "optFlatMap",
        # quantity arithmetic added after the documented library, and other newer helpers
        "mul",
        "div",
        "divInt",
        "includes",
        "reverse",
        "distinct",
        "flatten",
        "slice",
        "lists.range",
        "strings.reverse",
        "math.greatest",
        "math.least",
        "base64.encode",
        "base64.decode",
        "containerImage",
        "jsonpatch.escapeKey",
        "getPrerelease",
        "getBuildMetadata",
        "reduce",
    }
)
_VARIABLES = frozenset({"self", "oldSelf"})
# celpy's parse errors for syntax of CEL it lacks: optional field selection and optional list/map entries.
_OPTIONAL_SYNTAX = re.compile(r"\.\s*\?|\[\s*\?|\{\s*\?|,\s*\?\s*[\w'\"]")


class BudgetExceededError(Exception):
    """The evaluation budget of one object ran out."""


@dataclass
class Budget:
    """Interpreter steps left for the rules of one object (shared, so many cheap rules add up)."""

    limit: int
    used: int = 0

    def spend(self, steps: int = 1) -> None:
        self.used += steps
        if self.used > self.limit:
            raise BudgetExceededError


@dataclass(frozen=True)
class CompileProblem:
    """Why an expression cannot be evaluated. `unsupported` problems are kcheck's limits (the rule is
    skipped); the others are errors Kubernetes reports when the CRD is created."""

    message: str
    unsupported: bool = False


@functools.cache
def _functions() -> dict[str, Any]:
    return cel_library.functions()


@functools.cache
def _environment() -> celpy.Environment:
    # celpy.Environment() raises the process's recursion limit to 2500; kcheck keeps the interpreter's
    # limit (a too deeply nested rule is reported as such, whatever was imported first).
    limit = sys.getrecursionlimit()
    try:
        return celpy.Environment()
    finally:
        sys.setrecursionlimit(limit)


@functools.cache
def _known_functions() -> frozenset[str]:
    return frozenset(base_functions) | frozenset(_functions()) | {"has", "dyn"}


class _BudgetedEvaluator(Evaluator):
    """celpy's interpreter, spending one budget step per syntax-tree node it visits (macros included)."""

    def __init__(self, ast: lark.Tree[Any], activation: Activation, budget: Budget) -> None:
        super().__init__(ast, activation)
        self._budget = budget

    def _visit_tree(self, tree: lark.Tree[Any]) -> Any:
        # lark's Interpreter routes visit() and visit_children() through here.
        self._budget.spend()
        return super()._visit_tree(tree)

    def sub_evaluator(self, ast: lark.Tree[Any]) -> Evaluator:
        return _BudgetedEvaluator(ast, self.activation, self._budget)


@dataclass(frozen=True)
class Program:
    """A compiled expression; `uses_old_self` marks a transition rule."""

    text: str
    ast: lark.Tree[Any] = field(repr=False, compare=False)
    uses_old_self: bool = False

    def evaluate(self, bindings: Mapping[str, Any], budget: Budget) -> Any:
        """The value, or a `CELEvalError`; `BudgetExceededError` propagates."""
        activation = _base_activation()
        try:
            return _BudgetedEvaluator(self.ast, activation, budget).evaluate(dict(bindings))
        except CELEvalError as problem:
            return problem
        except RecursionError:
            # A deeply nested value or expression: as costly as Kubernetes would find it.
            raise BudgetExceededError from None
        except (TypeError, ValueError, AttributeError, KeyError, IndexError, ArithmeticError) as problem:
            # celpy lets some operand errors escape as Python exceptions (a map of mixed keys compared, a
            # list macro applied to a scalar); CEL makes each an evaluation error.
            return CELEvalError(f"no such overload: {problem}", type(problem), problem.args)


@functools.cache
def _base_activation() -> Activation:
    environment = _environment()
    return Activation(package=None, annotations=environment.annotations, functions=_functions())


def compile_expression(text: str) -> Program | CompileProblem:
    return _compile(text)


@functools.lru_cache(maxsize=4096)
def _compile(text: str) -> Program | CompileProblem:
    try:
        ast = _environment().compile(text)
    except RecursionError:
        return CompileProblem("is nested too deeply for kcheck's CEL interpreter", True)
    except Exception as problem:
        if _OPTIONAL_SYNTAX.search(text):
            return CompileProblem("uses CEL optional field selection, which kcheck cannot evaluate", True)
        line, column = getattr(problem, "line", None), getattr(problem, "column", None)
        where = (
            f" at line {line}, column {column}" if isinstance(line, int) and isinstance(column, int) else ""
        )
        return CompileProblem(f"syntax error{where}")
    _rewrite_namespaces(ast)
    refused = _check(ast)
    if refused is not None:
        return refused
    uses_old_self = any(_ident_name(node) == "oldSelf" for node in ast.iter_subtrees())
    return Program(text, ast, uses_old_self)


def _ident_name(node: lark.Tree[Any]) -> str | None:
    if node.data == "ident" and node.children and isinstance(node.children[0], lark.Token):
        return str(node.children[0])
    return None


def _namespace_of(member: Any) -> str | None:
    """`ip` when `member` is the bare identifier `ip` (member -> primary -> ident)."""
    node = member
    while isinstance(node, lark.Tree) and node.data in ("member", "primary") and len(node.children) == 1:
        node = node.children[0]
    if isinstance(node, lark.Tree):
        name = _ident_name(node)
        if name in cel_library.NAMESPACES:
            return name
    return None


def _rewrite_namespaces(ast: lark.Tree[Any]) -> None:
    """`ip.isCanonical(x)` parses as a method call on a variable `ip`; make it the function
    `ip.isCanonical(x)` (celpy looks functions up by name, dots included)."""
    for node in list(ast.iter_subtrees()):
        if node.data != "member" or len(node.children) != 1:
            continue
        call = node.children[0]
        if not isinstance(call, lark.Tree) or call.data != "member_dot_arg":
            continue
        if str(call.children[1]) == "min" and len(call.children) == 2:
            # celpy evaluates `list.min()` as its own macro; Kubernetes' lists library defines it.
            call.children[1] = lark.Token("IDENT", "kubernetesMin")
            continue
        namespace = _namespace_of(call.children[0])
        if namespace is None:
            continue
        method = call.children[1]
        name = lark.Token("IDENT", f"{namespace}.{method}")
        arguments = call.children[2:] if len(call.children) > 2 else []
        node.children = [lark.Tree("primary", [lark.Tree("ident_arg", [name, *arguments])])]


def _arguments(call: lark.Tree[Any], first: int) -> list[Any]:
    if len(call.children) <= first or not isinstance(call.children[first], lark.Tree):
        return []
    return list(call.children[first].children)


def _check(ast: lark.Tree[Any]) -> CompileProblem | None:
    """What Kubernetes' compiler would reject (an undeclared function or variable), or what celpy cannot
    run; None when the expression can be evaluated."""
    known = _known_functions()
    bound: set[str] = set()
    for node in ast.iter_subtrees():
        if node.data == "member_dot_arg":
            method = str(node.children[1])
            arguments = _arguments(node, 2)
            if method in _MACROS:
                if len(arguments) != 2:
                    return CompileProblem(
                        f"uses the {len(arguments)}-argument form of {method}(), which kcheck cannot "
                        "evaluate",
                        True,
                    )
                variable = _bare_identifier(arguments[0])
                if variable is None:
                    return CompileProblem(f"the first argument of {method}() must be a simple identifier")
                bound.add(variable)
                continue
            problem = _function_problem(method, known)
            if problem is not None:
                return problem
        elif node.data == "ident_arg":
            problem = _function_problem(str(node.children[0]), known)
            if problem is not None:
                return problem
    for node in ast.iter_subtrees():
        if node.data == "primary" and node.children and isinstance(node.children[0], lark.Tree):
            name = _ident_name(node.children[0])
            if name is not None and name not in _VARIABLES | bound | _TYPE_NAMES:
                if name in cel_library.NAMESPACES:
                    continue
                return CompileProblem(f"undeclared reference to '{name}'")
    return None


def _bare_identifier(expression: Any) -> str | None:
    node = expression
    while isinstance(node, lark.Tree) and len(node.children) == 1 and node.data != "ident":
        node = node.children[0]
    return _ident_name(node) if isinstance(node, lark.Tree) else None


def _function_problem(name: str, known: frozenset[str]) -> CompileProblem | None:
    if name in known:
        return None
    if name in _UNSUPPORTED_FUNCTIONS:
        return CompileProblem(f"calls {name}(), which kcheck does not implement", True)
    return CompileProblem(f"undeclared reference to '{name}'")


# --- errors ---------------------------------------------------------------------------------------------

_MISSING_KEY = re.compile(r"no such member in mapping: '?([^']*)'?")


def describe_error(problem: CELEvalError) -> str:
    """A CEL evaluation error as Kubernetes words it (cel-go's messages), without celpy's internals."""
    args = problem.args
    text = str(args[0]) if args else "evaluation error"
    cause = args[1] if len(args) > 1 else None
    if (missing := _MISSING_KEY.match(text)) is not None:
        return f"no such key: {missing.group(1)}"
    if cause is ZeroDivisionError:
        return "division by zero"
    if cause is IndexError:
        return "index out of bounds"
    if text == "return error for overflow" or "overflow" in text:
        return "integer overflow"
    if text.startswith(("found no matching overload", "no such overload")):
        return "no such overload"
    if text.startswith("undeclared reference"):
        return text.split(" (in activation", 1)[0]
    return text


# --- values ---------------------------------------------------------------------------------------------

# k8s.io/apiserver/pkg/cel/escaping.go: property names CEL can reach, and the reserved words that escape.
_RESERVED = frozenset(
    {
        "true",
        "false",
        "null",
        "in",
        "as",
        "break",
        "const",
        "continue",
        "else",
        "for",
        "function",
        "if",
        "import",
        "let",
        "loop",
        "package",
        "namespace",
        "return",
        "var",
        "void",
        "while",
    }
)
_ACCESSIBLE = re.compile(r"[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*\Z")
_ESCAPED = re.compile(r"__|[.\-/]")
_ESCAPES = {"__": "__underscores__", ".": "__dot__", "-": "__dash__", "/": "__slash__"}


def escape(name: str) -> str | None:
    """The CEL identifier of a property, or None when CEL cannot reach it."""
    if name in _RESERVED:
        return f"__{name}__"
    if not _ACCESSIBLE.match(name) or name[0].isdigit():
        return None
    return _ESCAPED.sub(lambda match: _ESCAPES[match.group(0)], name)


@dataclass
class Shape:
    """What CEL sees of a schema node. `kind` is object (properties), map (additionalProperties), list,
    integer, number, string, boolean, any (int-or-string, or typeless), or unknown (preserved data CEL
    cannot see). `embedded` objects expose apiVersion, kind and metadata.name/generateName."""

    kind: str
    properties: dict[str, tuple[str, Shape]] = field(default_factory=dict)
    items: Shape | None = None
    values: Shape | None = None
    format: str | None = None
    list_type: str | None = None
    map_keys: tuple[str, ...] = ()
    embedded: bool = False
    # The schema node itself (its `x-kubernetes-validations` are evaluated at this level).
    schema: Mapping[str, Any] = field(default_factory=dict, repr=False)


def shape_of(schema: Mapping[str, Any], root: bool = False) -> Shape:
    """The CEL view of a structural schema node (unknown keywords are ignored; nothing raises)."""
    shape = _shape(schema, root)
    shape.schema = schema
    return shape


def _shape(schema: Mapping[str, Any], root: bool) -> Shape:
    kind = schema.get("type")
    if schema.get("x-kubernetes-int-or-string") is True:
        return Shape("any")
    if kind == "object" or (root and kind is None):
        properties = schema.get("properties")
        additional = schema.get("additionalProperties")
        embedded = root or schema.get("x-kubernetes-embedded-resource") is True
        if isinstance(additional, Mapping) and not properties:
            return Shape("map", values=shape_of(additional), embedded=embedded)
        shape = Shape("object", embedded=embedded)
        if isinstance(properties, Mapping):
            for name, sub in properties.items():
                escaped = escape(str(name))
                if escaped is not None and isinstance(sub, Mapping):
                    shape.properties[str(name)] = (escaped, shape_of(sub))
        if additional is True and not properties:
            return Shape("map", values=Shape("any"), embedded=embedded)
        if (
            not shape.properties
            and not embedded
            and schema.get("x-kubernetes-preserve-unknown-fields") is True
        ):
            return Shape("unknown")
        return shape
    if kind == "array":
        items = schema.get("items")
        item_shape = shape_of(items) if isinstance(items, Mapping) else Shape("any")
        if item_shape.kind == "unknown":
            return Shape("unknown")
        keys = schema.get("x-kubernetes-list-map-keys")
        return Shape(
            "list",
            items=item_shape,
            list_type=schema.get("x-kubernetes-list-type")
            if isinstance(schema.get("x-kubernetes-list-type"), str)
            else None,
            map_keys=tuple(str(k) for k in keys) if isinstance(keys, list) else (),
        )
    if kind in ("integer", "number", "string", "boolean"):
        fmt = schema.get("format")
        return Shape(kind, format=fmt if isinstance(fmt, str) else None)
    if schema.get("x-kubernetes-preserve-unknown-fields") is True:
        return Shape("unknown")
    return Shape("any")


class SetList(celtypes.ListType):
    """A list with `x-kubernetes-list-type: set`: equality ignores order; `+` is a union."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, list) or len(self) != len(other):
            return False
        return all(any(cel_library._equals(a, b) for b in other) for a in self) and all(
            any(cel_library._equals(b, a) for a in self) for b in other
        )

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, other: Any) -> Any:
        result = SetList(self)
        for item in other:
            if not any(cel_library._equals(item, mine) for mine in result):
                result.append(item)
        return result


class MapList(celtypes.ListType):
    """A list with `x-kubernetes-list-type: map`: items are identified by their keys; equality ignores order;
    `X + Y` keeps X's order, takes Y's value for a shared key and appends Y's new keys."""

    keys: tuple[str, ...] = ()

    def _key(self, item: Any) -> tuple[Any, ...]:
        if not isinstance(item, Mapping):
            return (item,)
        return tuple(item.get(celtypes.StringType(escape(k) or k)) for k in self.keys)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, list) or len(self) != len(other):
            return False
        return all(any(cel_library._equals(a, b) for b in other) for a in self)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, other: Any) -> Any:
        result = MapList(self)
        result.keys = self.keys
        positions = {self._key(item): index for index, item in enumerate(result)}
        for item in other:
            key = self._key(item)
            if key in positions:
                result[positions[key]] = item
            else:
                positions[key] = len(result)
                result.append(item)
        return result


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def generic(value: Any) -> Any:
    """A JSON-like value as CEL sees an untyped (`dyn`) value."""
    if value is None:
        return None
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, int):
        # JSON decoding makes a number beyond int64 a float64.
        return celtypes.IntType(value) if _INT64_MIN <= value <= _INT64_MAX else celtypes.DoubleType(value)
    if isinstance(value, float):
        return celtypes.DoubleType(value)
    if isinstance(value, str):
        return celtypes.StringType(value)
    if isinstance(value, list):
        return celtypes.ListType([generic(item) for item in value])
    if isinstance(value, dict):
        return celtypes.MapType({celtypes.StringType(str(k)): generic(v) for k, v in value.items()})
    return celtypes.StringType(str(value))


def _metadata(value: Any) -> Any:
    if not isinstance(value, dict):
        return generic(value)
    # Only metadata.name and metadata.generateName are visible to CRD rules.
    return celtypes.MapType(
        {
            celtypes.StringType(key): generic(value[key])
            for key in ("name", "generateName")
            if isinstance(value.get(key), str)
        }
    )


def to_cel(value: Any, shape: Shape, mismatches: list[Any] | None = None) -> Any:
    """The CEL value of `value` described by `shape`. A value of the wrong type is passed untyped (the
    schema rules report it) and, when `mismatches` is given, appended to it."""
    if value is None:
        return None
    if mismatches is not None and not matches_kind(value, shape):
        mismatches.append(value)
    kind = shape.kind
    if kind == "object" and isinstance(value, dict):
        converted: dict[Any, Any] = {}
        if shape.embedded:
            for key in ("apiVersion", "kind"):
                if isinstance(value.get(key), str):
                    converted[celtypes.StringType(key)] = celtypes.StringType(value[key])
            if "metadata" in value:
                converted[celtypes.StringType("metadata")] = _metadata(value["metadata"])
        for name, (escaped, sub) in shape.properties.items():
            item = field_value(value, name, sub)
            # Null fields are absent to CEL; preserved unknown data is invisible.
            if item is None or sub.kind == "unknown" or (shape.embedded and name == "metadata"):
                continue
            converted[celtypes.StringType(escaped)] = to_cel(item, sub, mismatches)
        return celtypes.MapType(converted)
    if kind == "map" and isinstance(value, dict):
        values = shape.values or Shape("any")
        return celtypes.MapType(
            {celtypes.StringType(str(k)): to_cel(v, values, mismatches) for k, v in value.items()}
        )
    if kind == "list" and isinstance(value, list):
        items = [to_cel(item, shape.items or Shape("any"), mismatches) for item in value]
        if shape.list_type == "set":
            return SetList(items)
        if shape.list_type == "map":
            result = MapList(items)
            result.keys = shape.map_keys
            return result
        return celtypes.ListType(items)
    whole = type(value) is int or (type(value) is float and value.is_integer())
    if kind == "integer" and whole and _INT64_MIN <= value <= _INT64_MAX:
        return celtypes.IntType(int(value))
    if kind == "number" and type(value) in (int, float):
        return celtypes.DoubleType(value)
    if kind == "boolean" and isinstance(value, bool):
        return celtypes.BoolType(value)
    if kind == "string" and isinstance(value, str):
        return _string_value(value, shape.format)
    return generic(value)


def _string_value(value: str, fmt: str | None) -> Any:
    try:
        if fmt == "byte":
            return celtypes.BytesType(base64.b64decode(value, validate=True))
        if fmt == "date":
            day = datetime.date.fromisoformat(value)
            return celtypes.TimestampType(
                datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)
            )
        if fmt in ("date-time", "datetime"):
            return celtypes.TimestampType(value)
        if fmt == "duration":
            return celtypes.DurationType(value)
    except (ValueError, TypeError, binascii.Error):
        pass
    return celtypes.StringType(value)


def matches_kind(value: Any, shape: Shape) -> bool:
    """Whether a value has the JSON type its schema node says (rules only run on well-typed values)."""
    expected = {
        "object": dict,
        "map": dict,
        "list": list,
        "string": str,
        "boolean": bool,
    }.get(shape.kind)
    if expected is not None:
        return isinstance(value, expected)
    if shape.kind == "integer":
        return type(value) is int or (type(value) is float and value.is_integer())
    if shape.kind == "number":
        return type(value) in (int, float)
    return True


def field_value(value: dict[str, Any], name: str, shape: Shape) -> Any:
    """A property's value as the API server validates it: a missing or null field takes the schema's
    `default` (defaulting runs before validation; it fills fields of objects that exist)."""
    item = value.get(name)
    if item is None and "default" in shape.schema:
        return shape.schema["default"]
    return item


def iter_children(value: Any, shape: Shape) -> Iterator[tuple[str | int, Any, Shape]]:
    """The values below `value` with their shapes: each property (defaulted), map value or list item."""
    if shape.kind == "object" and isinstance(value, dict):
        for name, (_, sub) in shape.properties.items():
            item = field_value(value, name, sub)
            if item is not None:
                yield name, item, sub
    elif shape.kind == "map" and isinstance(value, dict) and shape.values is not None:
        for key, item in value.items():
            if item is not None:
                yield str(key), item, shape.values
    elif shape.kind == "list" and isinstance(value, list) and shape.items is not None:
        for index, item in enumerate(value):
            if item is not None:
                yield index, item, shape.items
