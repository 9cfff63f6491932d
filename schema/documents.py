"""Parsing, validation and the cost check, done once per query text.

A navigator's client sends the same few query documents over and over with
different variables; parsing and validating them was half of a small query's
time. :class:`Prepared` keeps, per schema, the parsed document of each query
text and whether it passed validation (graphql-core's rules, strawberry's, and
the depth and alias limits, whose rule classes are made once so that the same
rules check every request), both in bounded LRU caches. Validation does not
depend on variables, so a valid document stays valid; an invalid one is
validated again each time (its error objects are never shared between requests).

The cost of a query (see :mod:`.limits`) depends on the variables only through
the integers given as ``first``/``limit``: it is kept per (text, operation,
integer variables). The token limit is applied when a text is first parsed.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, OperationDefinitionNode, parse, specified_rules
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.schema.schema import validate_document

from directory import settings

from .limits import estimate_cost

#: Query texts (and costs) remembered; an unknown text costs a parse and a validation, as without the cache.
MAX_DOCUMENTS = 256
MAX_COSTS = 1024


class _Lru:
    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        found = self.items.get(key)
        if found is not None:
            self.items.move_to_end(key)
        return found

    def put(self, key: Hashable, value: Any) -> None:
        self.items[key] = value
        self.items.move_to_end(key)
        if len(self.items) > self.size:
            self.items.popitem(last=False)


class Prepared:
    """The parse, validation and cost results of one schema's queries."""

    def __init__(self, *, max_tokens: int, max_depth: int, max_aliases: int, max_cost: int) -> None:
        self.max_tokens = max_tokens
        self.max_cost = max_cost
        self.rules = (*specified_rules, depth_validator(max_depth, None), alias_validator(max_aliases))
        self._documents = _Lru(MAX_DOCUMENTS)
        self._valid: set[str] = set()  # texts whose document passed validation (kept in step with _documents)
        self._costs = _Lru(MAX_COSTS)

    def document(self, query: str) -> DocumentNode:
        """The parsed document of ``query``; GraphQLError (a syntax error, too many tokens) when it does not parse."""
        found = self._documents.get(query)
        if found is None:
            found = parse(query, max_tokens=self.max_tokens)  # parsing stops at the token limit
            self._documents.put(query, found)
            self._valid.intersection_update(self._documents.items)
        return found

    def errors(self, schema: Any, query: str, document: DocumentNode, operation_name: str | None, variables) -> list:
        """Validation errors, else the cost error if the operation costs too much, else []."""
        if query not in self._valid:
            errors = validate_document(schema, document, self.rules)
            if errors:
                return errors
            if query in self._documents.items:
                self._valid.add(query)
        operation = _operation(document, operation_name)
        if operation is None:  # none or ambiguous: execution says so
            return []
        sizes = tuple(sorted((k, v) for k, v in (variables or {}).items() if type(v) is int))
        key = (query, operation_name, sizes)
        cost = self._costs.get(key)
        if cost is None:
            cost = estimate_cost(schema, document, operation, variables)
            self._costs.put(key, cost)
        if cost <= self.max_cost:
            return []
        return [
            GraphQLError(
                f"query cost {cost} exceeds the maximum of {self.max_cost}: ask for fewer items "
                f"(first/limit) or fewer nested lists",
                operation,
                extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "maxCost": self.max_cost},
            )
        ]


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name is not None and o.name.value == name), None)


class PreparedDocuments(SchemaExtension):
    """Parses and validates through :class:`Prepared` (one per schema, shared by every request)."""

    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        ctx.parse_options["max_tokens"] = self.prepared.max_tokens
        if ctx.query is not None and ctx.graphql_document is None:
            # a syntax error raised here reaches the client as strawberry's own would (a pre-execution error)
            ctx.graphql_document = self.prepared.document(ctx.query)
        yield

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.query is not None and ctx.graphql_document is not None and ctx.pre_execution_errors is None:
            ctx.pre_execution_errors = self.prepared.errors(
                ctx.schema._schema, ctx.query, ctx.graphql_document, ctx.operation_name, ctx.variables
            )
        yield


def prepared_documents(prepared: Prepared) -> Callable[[], SchemaExtension]:
    return lambda: PreparedDocuments(prepared)


def limit_extensions(environ: dict[str, str] | None = None) -> list[Callable[[], SchemaExtension]]:
    """The extension that applies the token, depth, alias and cost limits of the settings, with its caches."""
    prepared = Prepared(
        max_tokens=settings.get_int("max_query_tokens", environ),
        max_depth=settings.get_int("max_query_depth", environ),
        max_aliases=settings.get_int("max_aliases", environ),
        max_cost=settings.get_int("max_query_cost", environ),
    )
    return [prepared_documents(prepared)]
