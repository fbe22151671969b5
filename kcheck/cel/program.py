"""The CEL engine: compile once, evaluate many, within a budget. It knows CEL and Kubernetes' CEL
environment, nothing of CRDs or admission policies: callers declare the variables and bind their values.

`compile_expression(text, variables)` parses an expression with cel-python, rewrites namespaced calls
(`ip.isCanonical(x)`) into the plain calls celpy understands, and checks what Kubernetes' compiler would
refuse or kcheck cannot run: undeclared functions and variables, CEL features celpy lacks (optional field
selection `self.?x`, two-variable comprehensions). It is cached by text and environment: an expression
shared by many CRD versions or policies is parsed once per process.

`Program.evaluate(bindings, budget)` runs a compiled expression with an activation of `bindings` (variable
name -> CEL value, see `kcheck.cel.values`). Every node the interpreter visits spends one step of a
`Budget` the caller may share between expressions; an exhausted budget raises `BudgetExceededError`
(Kubernetes bounds the same evaluation by a cost budget: a runaway expression is an error, never a hang).
A caller that keeps the outcome of an evaluation replays its cost with `Budget.charge(steps)`.
An error CEL defines is returned as an `EvaluationError` value; `describe_error` words it as cel-go does.

celpy is imported by `kcheck.cel` only, and only when an expression is compiled.
"""

from __future__ import annotations

import functools
import re
import sys
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import celpy
import lark
from celpy.evaluation import Activation, CELEvalError, Evaluator, base_functions

from kcheck.cel import library

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
# celpy's parse errors for syntax of CEL it lacks: optional field selection and optional list/map entries.
_OPTIONAL_SYNTAX = re.compile(r"\.\s*\?|\[\s*\?|\{\s*\?|,\s*\?\s*[\w'\"]")


# What `Program.evaluate` returns for an error CEL defines (no such key, division by zero, no such overload):
# a value, not an exception, as in CEL itself (where `error || true` is `true`).
EvaluationError = CELEvalError


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

    def charge(self, steps: int) -> None:
        """Spend what a completed evaluation took, as running it again would: if it no longer fits, the
        budget runs out (at its first step over the limit, where spending one step at a time stops)."""
        if self.used + steps > self.limit:
            self.used = self.limit + 1
            raise BudgetExceededError
        self.used += steps


@dataclass(frozen=True)
class CompileProblem:
    """Why an expression cannot be evaluated. `unsupported` problems are kcheck's limits (the rule is
    skipped); the others are errors Kubernetes reports when the CRD is created."""

    message: str
    unsupported: bool = False


@functools.cache
def _functions() -> dict[str, Any]:
    return library.functions()


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


_Method = Callable[[Evaluator, "lark.Tree[Any]"], Any]
_NO_VARIABLES: Mapping[str, Any] = types.MappingProxyType({})
# Nodes whose celpy method, given one child, returns that child's value and does nothing else (`if
# len(tree.children) == 1: return self.visit_children(tree)[0]`; a `member` always has one child). Most
# nodes are these links of the grammar's precedence chain (`expr` -> `conditionalor` -> ... -> `member`).
_PASS_THROUGH = frozenset(
    {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication", "unary", "member"}
)


class _BudgetedEvaluator(Evaluator):
    """celpy's interpreter, spending one budget step per syntax-tree node it visits (macros included)."""

    # The method of each kind of node, found once per process: lark's Interpreter looks it up by name on the
    # instance at every node, and checks it for a `visit_wrapper` that no celpy method has.
    _methods: ClassVar[dict[str, _Method]] = {}

    def __init__(
        self,
        ast: lark.Tree[Any],
        activation: Activation,
        budget: Budget,
        outer: Mapping[str, Any] = _NO_VARIABLES,
    ) -> None:
        super().__init__(ast, activation)
        self._budget = budget
        # The variables in scope: the bindings of Program.evaluate and of each enclosing macro iteration.
        self._outer = outer
        self._variables = outer

    def set_activation(self, values: Mapping[str, Any]) -> Evaluator:
        # celpy clones its activation (name containers, function table) to bind the variables of each
        # evaluate() and of each macro iteration; they are looked up here instead (ident_value). A name the
        # base activation already holds (`google`, celpy's protobuf package) keeps celpy's resolution: its
        # container wins over a value bound to it.
        self._variables = {**self._outer, **{k: v for k, v in values.items() if k not in _annotated()}}
        return self

    def ident_value(self, name: str, root_scope: bool = False) -> Any:
        variables = self._variables
        if name in variables:
            return variables[name]
        return super().ident_value(name, root_scope)

    def _visit_tree(self, tree: lark.Tree[Any]) -> Any:
        # lark's Interpreter routes visit() and visit_children() through here. A pass-through node is a step
        # without a call to its method (same value, same steps), and the steps of a chain of them are spent
        # at once: the budget runs out at the same node, as nothing happens in between.
        steps = 1
        children = tree.children
        while len(children) == 1 and tree.data in _PASS_THROUGH and isinstance(children[0], lark.Tree):
            tree = children[0]
            children = tree.children
            steps += 1
        budget = self._budget
        used = budget.used + steps
        if used > budget.limit:
            budget.used = budget.limit + 1
            raise BudgetExceededError
        budget.used = used
        method = self._methods.get(tree.data)
        if method is None:
            method = self._methods[tree.data] = getattr(type(self), tree.data, Evaluator.__default__)
        return method(self, tree)

    def visit_children(self, tree: lark.Tree[Any]) -> list[Any]:
        # celpy's override only counts a nesting level, for its trace log (CEL_TRACE).
        visit = self._visit_tree
        return [visit(child) if isinstance(child, lark.Tree) else child for child in tree.children]

    def sub_evaluator(self, ast: lark.Tree[Any]) -> Evaluator:
        return _BudgetedEvaluator(ast, self.activation, self._budget, self._variables)


@dataclass(frozen=True)
class Program:
    """A compiled expression and the declared variables it reads (a CRD rule that reads `oldSelf` is a
    transition rule)."""

    text: str
    ast: lark.Tree[Any] = field(repr=False, compare=False)
    variables: frozenset[str] = frozenset()

    def evaluate(self, bindings: Mapping[str, Any], budget: Budget) -> Any:
        """The value, or a `CELEvalError`; `BudgetExceededError` propagates."""
        activation = _base_activation()
        try:
            return _BudgetedEvaluator(self.ast, activation, budget).evaluate(bindings)
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


@functools.cache
def _annotated() -> frozenset[str]:
    return frozenset(_base_activation().identifiers)


def compile_expression(text: str, variables: frozenset[str]) -> Program | CompileProblem:
    """The program of `text`, in an environment declaring `variables` (`self` and `oldSelf` for a CRD rule;
    `object`, `request`, `params`, ... for an admission policy). Cached: each distinct expression and
    environment compiles once per process."""
    return _compile(text, variables)


@functools.lru_cache(maxsize=4096)
def _compile(text: str, variables: frozenset[str]) -> Program | CompileProblem:
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
    for node in ast.iter_subtrees():
        # lark names nodes with Tokens, whose Python-level __eq__ each method lookup and each comparison in
        # celpy calls; interned plain strings compare by identity.
        node.data = sys.intern(str(node.data))
    refused = _check(ast, variables)
    if refused is not None:
        return refused
    used = frozenset(name for node in ast.iter_subtrees() if (name := _ident_name(node)) in variables)
    return Program(text, ast, used)


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
        if name in library.NAMESPACES:
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


def _check(ast: lark.Tree[Any], variables: frozenset[str]) -> CompileProblem | None:
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
            if name is not None and name not in variables | bound | _TYPE_NAMES:
                if name in library.NAMESPACES:
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
