"""Guards against expensive queries: depth, aliases and an estimated cost.

The cost of a query is the most objects it can make the server build: every
field that returns an object counts once per time it is resolved, and a list
multiplies its children by its size. Every list field of the schema states its
size, and the resolvers hold to it, so the estimate is an upper bound rather
than a guess:

* a list with a ``first`` argument has at most ``first`` items: the value
  given, or the argument's default (resolvers refuse a ``first`` over its
  maximum);
* any other list declares its bound with :func:`bounded_list`, which puts
  "At most N." in the field's SDL description and, through :class:`MaxItems`,
  cuts the resolver's result to N (logging a warning) should the data ever hold
  more;
* a size given on a connection (``searchProviders(first: 50)``) is the size of
  its ``edges``.

A list field that declared nothing would count as :data:`UNDECLARED_LIST_SIZE`;
a test keeps there being none. Scalars are free. The limits (settings
max_query_tokens, max_query_depth, max_aliases and max_query_cost) are applied
by :mod:`.documents`, once per query text.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import strawberry
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_composite_type,
)
from strawberry.extensions import FieldExtension

log = logging.getLogger(__name__)

#: What a list field that states no bound would count for (there are none: a test checks).
UNDECLARED_LIST_SIZE = 1000
SIZE_ARGUMENTS = ("first", "limit")


class MaxItems(FieldExtension):
    """The most items a list field returns: the cost estimate counts it, and the
    result is cut to it should the data ever hold more."""

    def __init__(self, max_items: int) -> None:
        super().__init__()
        self.max_items = max_items

    def resolve(self, next_: Callable[..., Any], source: Any, info: strawberry.Info, **kwargs: Any) -> Any:
        return self._cut(next_(source, info, **kwargs), info)

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: strawberry.Info, **kwargs: Any
    ) -> Any:
        return self._cut(await next_(source, info, **kwargs), info)

    def _cut(self, result: Any, info: strawberry.Info) -> Any:
        if isinstance(result, list) and len(result) > self.max_items:
            log.warning(
                "%s returned %d items, over its stated bound of %d: cut to the bound",
                ".".join(str(p) for p in info.path.as_list()),
                len(result),
                self.max_items,
            )
            return result[: self.max_items]
        return result


def bounded_list(max_items: int, description: str | None = None, *, built: bool = False) -> Any:
    """``strawberry.field`` for a list of at most ``max_items``, stated in its SDL description.

    ``built``: a plain field whose list our code builds from data bounded by
    construction (the components of a score, the relaxations applied): the bound
    is stated and counted all the same, but no :class:`MaxItems` wraps the field,
    which spares strawberry's extension call on every object of a page (a tenth
    of a match answer's time). A field with a resolver never takes it."""
    said = f"At most {max_items}."
    text = f"{description} {said}" if description else said
    if built:
        return strawberry.field(description=text, metadata={MAX_ITEMS: max_items})
    return strawberry.field(description=text, extensions=[MaxItems(max_items)])


#: The metadata key of a bound stated by ``bounded_list(..., built=True)``.
MAX_ITEMS = "provnet.max_items"


def declared_bound(definition: Any) -> int | None:
    """The bound a graphql-core field built by strawberry states: its :class:`MaxItems`, or a built list's."""
    field = (definition.extensions or {}).get("strawberry-definition")
    for extension in getattr(field, "extensions", None) or ():
        if isinstance(extension, MaxItems):
            return extension.max_items
    found = (getattr(field, "metadata", None) or {}).get(MAX_ITEMS)
    return found if isinstance(found, int) else None


def _is_list(field_type: Any) -> bool:
    while isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    return isinstance(field_type, GraphQLList)


def _size(node: FieldNode, definition: Any, variables: Mapping[str, Any]) -> int | None:
    """The ``first``/``limit`` given in the query, or else that argument's default."""
    for argument in node.arguments or ():
        if argument.name.value not in SIZE_ARGUMENTS:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return max(0, int(value.value))
        if isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            if isinstance(given, int):
                return max(0, given)
    for name in SIZE_ARGUMENTS:
        default = getattr(definition.args.get(name), "default_value", None)
        if isinstance(default, int):
            return max(0, default)
    return None


class _Estimator:
    def __init__(
        self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], variables: Mapping[str, Any]
    ):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def cost(
        self,
        parent: Any,
        selections: SelectionSetNode | None,
        multiplier: int,
        pending: int | None,
        seen: frozenset[str] = frozenset(),
    ) -> int:
        if selections is None or parent is None:
            return 0
        total = 0
        for sel in selections.selections:
            if isinstance(sel, FieldNode):
                total += self._field(parent, sel, multiplier, pending, seen)
            elif isinstance(sel, InlineFragmentNode):
                target = self.schema.get_type(sel.type_condition.name.value) if sel.type_condition else parent
                total += self.cost(target, sel.selection_set, multiplier, pending, seen)
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:  # unknown or cyclic: other rules report it
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value)
                total += self.cost(target, fragment.selection_set, multiplier, pending, seen | {name})
        return total

    def _field(self, parent: Any, node: FieldNode, multiplier: int, pending: int | None, seen: frozenset[str]) -> int:
        fields = getattr(parent, "fields", None) or {}
        definition = fields.get(node.name.value)
        if definition is None:  # __typename, introspection or an unknown field
            return 0
        named = get_named_type(definition.type)
        if not is_composite_type(named):
            return 0
        size = _size(node, definition, self.variables)
        if _is_list(definition.type):
            bound = next(b for b in (size, pending, declared_bound(definition), UNDECLARED_LIST_SIZE) if b is not None)
            count = multiplier * bound
            child_pending = None
        else:
            count = multiplier
            child_pending = size
        return count + self.cost(named, node.selection_set, count, child_pending, seen)


def estimate_cost(
    schema: GraphQLSchema, document: Any, operation: OperationDefinitionNode, variables: Mapping[str, Any] | None = None
) -> int:
    """Estimated cost of one operation of a parsed document."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    values = dict(variables or {})
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and isinstance(definition.default_value, IntValueNode):
            values[name] = int(definition.default_value.value)
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    return _Estimator(schema, fragments, values).cost(root, operation.selection_set, 1, None)
