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
import celpy.celtypes
import lark
from celpy.evaluation import Activation, CELEvalError, Evaluator, base_functions, eval_error

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
# The deepest syntax tree kcheck evaluates, in levels of celpy's tree (the root is level 1). The interpreter
# recurses once per level, at most two Python frames a level (_BudgetedEvaluator's node methods), so whether
# an evaluation hits Python's recursion limit (1000 frames) would otherwise depend on how deep the stack
# already is where it runs, which differs between the main process and a worker of `--jobs`. A fixed limit
# at compile time makes the outcome the same everywhere. Evaluating a 250-level expression takes at most
# about 500 frames (497 for a chain of 119 additions, the worst shape measured; the functions of the
# library need fewer frames than the levels they stand for), so it runs from a stack 300 frames deep with
# 200 to spare (kcheck lint evaluates 40-50 frames deep). Real rules are far shallower: 84 levels at most
# in the corpus (Gateway API's sum of the matches of 16 route rules). cel-go's parser refuses expressions
# nested 250 levels of its own (its default MaxRecursionDepth, which Kubernetes keeps); each of those is one
# level of celpy's tree or more (a parenthesis is ten), so kcheck skips, as unsupported, some expressions
# Kubernetes accepts (none in the corpus).
_MAX_DEPTH = 250
_TOO_DEEP = "is nested too deeply for kcheck's CEL interpreter"


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


# The operator of each binary or unary node, as celpy maps it.
_RELATION_OPERATORS = {
    "relation_lt": "_<_",
    "relation_le": "_<=_",
    "relation_ge": "_>=_",
    "relation_gt": "_>_",
    "relation_eq": "_==_",
    "relation_ne": "_!=_",
    "relation_in": "_in_",
}
_ADDITION_OPERATORS = {"addition_add": "_+_", "addition_sub": "_-_"}
_MULTIPLICATION_OPERATORS = {
    "multiplication_div": "_/_",
    "multiplication_mul": "_*_",
    "multiplication_mod": "_%_",
}
_UNARY_OPERATORS = {"unary_not": "!_", "unary_neg": "-_"}
# The method names celpy's member_dot_arg evaluates as macros.
_CELPY_MACROS = frozenset({*_MACROS, "reduce", "min"})
# The reductions of all() and exists(): celpy wraps the operators anew at each call, to the same effect.
_AND: Callable[[Any, Any], Any] = eval_error("no such overload", TypeError)(celpy.celtypes.logical_and)
_OR: Callable[[Any, Any], Any] = eval_error("no such overload", TypeError)(celpy.celtypes.logical_or)


def _no_overload(tree: lark.Tree[Any], op_tree: lark.Tree[Any], ex: TypeError, left: Any, right: Any) -> Any:
    err = f"found no matching overload for {op_tree.data!r} applied to '({type(left)}, {type(right)})'"
    value = CELEvalError(err, ex.__class__, ex.args, tree=tree)
    value.__cause__ = ex
    return value


def _caused(text: str, tree: lark.Tree[Any], ex: Exception) -> Any:
    value = CELEvalError(text, ex.__class__, ex.args, tree=tree)
    value.__cause__ = ex
    return value


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
        outer_levels: tuple[Mapping[str, Any], ...] = (),
    ) -> None:
        super().__init__(ast, activation)
        self._budget = budget
        # The variables in scope: the bindings of Program.evaluate and of each enclosing macro iteration.
        self._outer = outer
        self._variables = outer
        # The same, level by level, as celpy binds them (each level's activation a clone of the enclosing
        # one): only read to name the activation in an error, as celpy does.
        self._outer_levels = outer_levels
        self._levels = outer_levels

    def set_activation(self, values: Mapping[str, Any]) -> Evaluator:
        # celpy clones its activation (name containers, function table) to bind the variables of each
        # evaluate() and of each macro iteration; they are looked up here instead (ident_value). A name the
        # base activation already holds (`google`, celpy's protobuf package) keeps celpy's resolution: its
        # container wins over a value bound to it.
        self._variables = {**self._outer, **{k: v for k, v in values.items() if k not in _annotated()}}
        self._levels = (*self._outer_levels, values)
        return self

    def ident_value(self, name: str, root_scope: bool = False) -> Any:
        variables = self._variables
        if name in variables:
            return variables[name]
        try:
            return super().ident_value(name, root_scope)
        except KeyError:
            # celpy's error names the activation it would be evaluating in ("undeclared reference to 'x'
            # (in activation '...')"): build that one, so that the error is celpy's to the letter.
            activation = self.base_activation
            for values in self._levels:
                activation = activation.clone()
                activation.identifiers.load_values(values)
            self.activation = activation
            raise

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
        return _BudgetedEvaluator(ast, self.activation, self._budget, self._variables, self._levels)

    # --- celpy's node methods, without their run-time typing ---------------------------------------------
    # celpy 0.5's node methods wrap values in `typing.cast(Tuple[List[Result], Result], ...)`: subscripting
    # a typing generic at run time builds a type object at every call, and typing's cache of them hashes it
    # through the large `Result` union: about half of the interpreter's time. Below are celpy's methods for
    # the nodes where that cost shows (cProfile of bench/bench_cel.py), without the casts: the same children
    # visited in the same order (so the same steps), the same values and errors. What they do not handle
    # goes to celpy's own method: a one-child link of the precedence chain (`_visit_tree` never calls them
    # for one), a malformed node, a rare error path that visits nothing.
    #
    # They visit children with `_visit_tree` directly (what lark's `visit` and `visit_children` come down
    # to): a binary operator then costs two Python frames per syntax-tree level instead of four, which is
    # what bounds the nesting depth `_compile` accepts (_MAX_DEPTH).

    def expr(self, tree: lark.Tree[Any]) -> Any:
        children = tree.children
        if len(children) != 3:
            return super().expr(tree)
        visit = self._visit_tree
        func = self.activation.resolve_function("_?_:_")
        cond_value = visit(children[0])
        left = right = celpy.celtypes.BoolType(False)
        try:
            # An error is truthy: its value comes from the first branch, as in celpy.
            if cond_value:
                left = visit(children[1])
            else:
                right = visit(children[2])
            return func(cond_value, left, right)
        except TypeError as ex:
            self.logger.debug("%s(%s, %s) --> %s", func.__name__, left, right, ex)
            err = (
                "found no matching overload for _?_:_ "
                f"applied to '({type(cond_value)}, {type(left)}, {type(right)})'"
            )
            return _caused(err, tree, ex)

    def conditionalor(self, tree: lark.Tree[Any]) -> Any:
        children = tree.children
        if len(children) != 2:
            return super().conditionalor(tree)
        func = self.activation.resolve_function("_||_")
        left, right = self._visit_tree(children[0]), self._visit_tree(children[1])
        try:
            return func(left, right)
        except TypeError as ex:
            self.logger.debug("%s(%s, %s) --> %s", func.__name__, left, right, ex)
            err = f"found no matching overload for _||_ applied to '({type(left)}, {type(right)})'"
            return _caused(err, tree, ex)

    def conditionaland(self, tree: lark.Tree[Any]) -> Any:
        children = tree.children
        if len(children) != 2:
            return super().conditionaland(tree)
        func = self.activation.resolve_function("_&&_")
        left, right = self._visit_tree(children[0]), self._visit_tree(children[1])
        try:
            return func(left, right)
        except TypeError as ex:
            self.logger.debug("%s(%s, %s) --> %s", func.__name__, left, right, ex)
            err = f"found no matching overload for _&&_ applied to '({type(left)}, {type(right)})'"
            return _caused(err, tree, ex)

    def _operator(self, tree: lark.Tree[Any]) -> Any:
        # An operator node (`relation_lt: relation "<"`, `unary_not: "!"`) has no celpy method: lark's default
        # visits its children, the left operand (none for a unary operator).
        children = tree.children
        if len(children) == 1 and isinstance(children[0], lark.Tree):
            return [self._visit_tree(children[0])]
        return self.visit_children(tree)

    relation_lt = relation_le = relation_ge = relation_gt = relation_eq = relation_ne = relation_in = (
        _operator
    )
    addition_add = addition_sub = multiplication_mul = multiplication_div = multiplication_mod = _operator
    unary_not = unary_neg = _operator

    def relation(self, tree: lark.Tree[Any]) -> Any:
        children = tree.children
        if len(children) != 2:
            return super().relation(tree)
        op_tree = children[0]
        op_name = _RELATION_OPERATORS[op_tree.data]
        func = self.activation.resolve_function(op_name)
        # The operator node's value is [left].
        (left, *_), right = self._visit_tree(op_tree), self._visit_tree(children[1])
        self.logger.debug("relation %r %s %r", left, op_name, right)
        try:
            return func(left, right)
        except TypeError as ex:
            self.logger.debug("%s(%s, %s) --> %s", func.__name__, left, right, ex)
            return _no_overload(tree, op_tree, ex, left, right)

    def addition(self, tree: lark.Tree[Any]) -> Any:
        children = tree.children
        if len(children) != 2:
            return super().addition(tree)
        op_tree = children[0]
        op_name = _ADDITION_OPERATORS[op_tree.data]
        func = self.activation.resolve_function(op_name)
        (left, *_), right = self._visit_tree(op_tree), self._visit_tree(children[1])
        self.logger.debug("addition %r %s %r", left, op_name, right)
        try:
            return func(left, right)
        except TypeError as ex:
            self.logger.debug("%s(%s, %s) --> %s", func.__name__, left, right, ex)
            return _no_overload(tree, op_tree, ex, left, right)
        except (ValueError, OverflowError) as ex:
            self.logger.debug("%s(%s, %s) --> %s", func.__name__, left, right, ex)
            return _caused("return error for overflow", tree, ex)

    def multiplication(self, tree: lark.Tree[Any]) -> Any:
        children = tree.children
        if len(children) != 2:
            return super().multiplication(tree)
        op_tree = children[0]
        op_name = _MULTIPLICATION_OPERATORS[op_tree.data]
        func = self.activation.resolve_function(op_name)
        (left, *_), right = self._visit_tree(op_tree), self._visit_tree(children[1])
        self.logger.debug("multiplication %r %s %r", left, op_name, right)
        try:
            return func(left, right)
        except TypeError as ex:
            self.logger.debug("%s(%s, %s) --> %s", func.__name__, left, right, ex)
            return _no_overload(tree, op_tree, ex, left, right)
        except ZeroDivisionError as ex:
            self.logger.debug("%s(%s, %s) --> %s", func.__name__, left, right, ex)
            return _caused("modulus or divide by zero", tree, ex)
        except (ValueError, OverflowError) as ex:
            self.logger.debug("%s(%s, %s) --> %s", func.__name__, left, right, ex)
            return _caused("return error for overflow", tree, ex)

    def unary(self, tree: lark.Tree[Any]) -> Any:
        children = tree.children
        if len(children) != 2:
            return super().unary(tree)
        op_tree = children[0]
        op_name = _UNARY_OPERATORS[op_tree.data]
        func = self.activation.resolve_function(op_name)
        # The operator node's value is [].
        _, right = self._visit_tree(op_tree), self._visit_tree(children[1])
        self.logger.debug("unary %s %r", op_name, right)
        try:
            return func(right)
        except TypeError as ex:
            self.logger.debug("%s(%s) --> %s", func.__name__, right, ex)
            err = f"found no matching overload for {op_tree.data!r} applied to '({type(right)})'"
            return _caused(err, tree, ex)
        except ValueError as ex:
            self.logger.debug("%s(%s) --> %s", func.__name__, right, ex)
            return _caused("return error for overflow", tree, ex)

    def member_dot_arg(self, tree: lark.Tree[Any]) -> Any:
        # celpy's builds a `Callable[[BoolType, Result], BoolType]` at every call, macro or method.
        member_tree, method_name_token = tree.children[:2]
        method = str(method_name_token)
        if method in _CELPY_MACROS:
            if method not in _MACROS:
                # `reduce()`, and celpy's `min()` macro: kcheck refuses the one and compiles `min()` as
                # Kubernetes' function.
                return super().member_dot_arg(tree)
            member_list = self._visit_tree(member_tree)
            if isinstance(member_list, CELEvalError):
                return member_list
            if method == "map":
                return celpy.celtypes.ListType(map(self.build_macro_eval(tree), member_list))
            if method == "filter":
                return celpy.celtypes.ListType(filter(self.build_macro_eval(tree), member_list))
            if method == "all":
                sub_expr = self.build_ss_macro_eval(tree)
                return functools.reduce(_AND, map(sub_expr, member_list), celpy.celtypes.BoolType(True))
            if method == "exists":
                sub_expr = self.build_ss_macro_eval(tree)
                return functools.reduce(_OR, map(sub_expr, member_list), celpy.celtypes.BoolType(False))
            sub_expr = self.build_macro_eval(tree)  # exists_one
            count = sum(1 for value in member_list if bool(sub_expr(value)))
            return celpy.celtypes.BoolType(count == 1)
        if len(tree.children) == 2:
            member, ident = self.visit_children(tree)
            return self.method_eval(member, ident)
        member, ident, expr_iter = self.visit_children(tree)
        return self.method_eval(member, ident, expr_iter)

    def method_eval(self, object: Any, method_ident: lark.Token, exprlist: Any = None) -> Any:
        try:
            function = self.activation.resolve_function(method_ident.value)
        except KeyError:
            # An undeclared method (refused at compile time): celpy's error.
            return super().method_eval(object, method_ident, exprlist)
        if isinstance(object, CELEvalError):
            return object
        if isinstance(exprlist, CELEvalError):
            return exprlist
        try:
            return function(object, *(exprlist or []))
        except ValueError as ex:
            value = CELEvalError("return error for overflow", ex.__class__, ex.args, token=method_ident)
            value.__cause__ = ex
            return value
        except (TypeError, AttributeError) as ex:
            self.logger.debug("method_eval(%r, %r, %s) --> %r", object, method_ident, exprlist, ex)
            value = CELEvalError("no such overload", ex.__class__, ex.args, token=method_ident)
            value.__cause__ = ex
            return value

    def exprlist(self, tree: lark.Tree[Any]) -> Any:
        values = self.visit_children(tree)
        for value in values:
            if isinstance(value, CELEvalError):
                return value
        return celpy.celtypes.ListType(values)


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
            # A deeply nested value (expressions are at most _MAX_DEPTH deep, which fits): as costly as
            # Kubernetes would find it.
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
        # lark's LALR parser does not recurse: kept in case a parser of another version does.
        return CompileProblem(_TOO_DEEP, True)
    except Exception as problem:
        if _OPTIONAL_SYNTAX.search(text):
            return CompileProblem("uses CEL optional field selection, which kcheck cannot evaluate", True)
        line, column = getattr(problem, "line", None), getattr(problem, "column", None)
        where = (
            f" at line {line}, column {column}" if isinstance(line, int) and isinstance(column, int) else ""
        )
        return CompileProblem(f"syntax error{where}")
    if _depth(ast) > _MAX_DEPTH:
        return CompileProblem(_TOO_DEEP, True)
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


def _depth(ast: lark.Tree[Any]) -> int:
    """The levels of `ast` (iteratively: the tree may be deeper than Python's recursion limit)."""
    deepest = 0
    pending = [(ast, 1)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in node.children if isinstance(child, lark.Tree))
    return deepest


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
