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
    print_ast,
    validate,
)
from graphql.validation import ASTValidationRule, specified_rules

from gateway.errors import ErrorList, GatewayError, ParseError, ValidationFailed
from gateway.limits import (
    LimitsConfig,
    OperationLimitExceeded,
    limit_rules,
    parse_with_limits,
    split_warnings,
)
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
    #: Warn-only limits the document exceeds (logged and exposed, not refused).
    warnings: list[GraphQLError]


def _locations(error: GraphQLError) -> list[dict[str, int]] | None:
    if not error.locations:
        return None
    return [{"line": loc.line, "column": loc.column} for loc in error.locations]


class DocumentCache:
    def __init__(self, schema: GraphQLSchema, limits: LimitsConfig, size: int = 1024) -> None:
        self.schema = schema
        self.limits = limits
        # One validation pass: the spec's rules, then the operation limits (their order
        # kept: limit_rules ends with the rule that stops the pass on a hard limit).
        self.rules: list[type[ASTValidationRule]] = [*specified_rules, *limit_rules(limits)]
        # An enforced directive limit also caps the document's text before parsing (a
        # warn-only one must never refuse, so it is left to the validation pass).
        directives = limits.directives
        self._max_directives = None if directives.warn_only else directives.max
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
        limits = self.limits
        try:
            document = parse_with_limits(
                text,
                limits.parser_max_tokens,
                limits.parser_max_nesting,
                max_length=limits.parser_max_length,
                max_directives=self._max_directives,
                max_operations=limits.parser_max_operations,
                max_fragments=limits.parser_max_fragments,
            )
        except GatewayError as error:
            return error
        except RecursionError:
            return ParseError("The document is nested too deeply.")
        errors, warnings = split_warnings(validate(self.schema, document, self.rules))
        if errors:
            return ErrorList([_validation_error(e) for e in errors[:100]])
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        conditionals = {
            (op.name.value if op.name else None): conditional_variables(op, fragments)
            for op in operations
        }
        return ValidDocument(
            document, operations, fragments, print_ast(document), conditionals, warnings
        )


def _validation_error(error: GraphQLError) -> GatewayError:
    if error.extensions and "code" in error.extensions:
        return OperationLimitExceeded.from_graphql(error)
    return ValidationFailed(error.message, locations=_locations(error))
