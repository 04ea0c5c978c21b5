"""Parse and validate documents against the API schema, once per distinct text.

Both results are cached by the document text (the API schema is fixed for a supergraph
state, and the cache lives in that state), so a repeated operation costs one dict lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

from cachetools import LRUCache
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    print_ast,
    validate,
)
from graphql.validation import ASTValidationRule, specified_rules

from gateway.errors import ErrorList, GatewayError, ParseError, ValidationFailed
from gateway.planning.operation import conditional_variables


@dataclass(slots=True, eq=False)
class ValidDocument:
    """A parsed, validated document and what planning needs to know about it."""

    document: DocumentNode
    operations: list[OperationDefinitionNode]
    fragments: dict[str, FragmentDefinitionNode]
    #: A whitespace- and comment-insensitive form: the plan cache keys on it.
    signature: str
    #: Per operation name: variables used by @skip/@include (part of the plan's key).
    conditionals: dict[str | None, tuple[str, ...]]


def _locations(error: GraphQLError) -> list[dict[str, int]] | None:
    if not error.locations:
        return None
    return [{"line": loc.line, "column": loc.column} for loc in error.locations]


class DocumentCache:
    def __init__(
        self,
        schema: GraphQLSchema,
        size: int = 1024,
        rules: list[type[ASTValidationRule]] | None = None,
        max_tokens: int | None = 15000,
    ) -> None:
        self.schema = schema
        self.rules = [*specified_rules, *(rules or [])]
        self.max_tokens = max_tokens
        self._cache: LRUCache[str, ValidDocument | GatewayError] = LRUCache(maxsize=size)

    def get(self, text: str) -> ValidDocument:
        """The validated document for ``text``; raises the (cached) request error."""
        found = self._cache.get(text)
        if found is None:
            found = self._load(text)
            self._cache[text] = found
        if isinstance(found, GatewayError):
            raise found
        return found

    def _load(self, text: str) -> ValidDocument | GatewayError:
        try:
            document = parse(text, max_tokens=self.max_tokens)
        except GraphQLError as error:
            return ParseError(error.message, locations=_locations(error))
        except RecursionError:
            return ParseError("The document is nested too deeply.")
        errors = validate(self.schema, document, self.rules, max_errors=100)
        if errors:
            return ErrorList([ValidationFailed(e.message, locations=_locations(e)) for e in errors])
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        conditionals = {
            (op.name.value if op.name else None): conditional_variables(op, fragments)
            for op in operations
        }
        return ValidDocument(document, operations, fragments, print_ast(document), conditionals)
