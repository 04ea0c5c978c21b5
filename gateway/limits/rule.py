"""The shared machinery of the operation-limit validation rules.

Each limit is a graphql-core ``ValidationRule`` in its own module (``depth.py`` ...), run
in the same ``validate()`` pass as the specification's rules. The rules share one
measurement of the document (``metrics.measure_document``), made by whichever rule
enters the document first and kept for that validation only.

A limit in warn-only mode reports a ``LimitWarning``: ``validate()`` returns it among the
errors, and ``split_warnings`` separates it so the pipeline can log it and expose it
without refusing the request. An enforced limit ends the validation as soon as the
document is entered (``AbortOnLimits``, the last rule of ``limit_rules``): the
specification's rules never run over an abusive document, and some of them
(``OverlappingFieldsCanBeMerged``) take seconds on one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar
from weakref import WeakKeyDictionary

from graphql import DocumentNode, FragmentDefinitionNode, GraphQLError, OperationDefinitionNode
from graphql.language.visitor import SKIP
from graphql.validation import ValidationContext, ValidationRule
from graphql.validation.validate import ValidationAbortedError

from gateway.limits.metrics import OperationMetrics, measure_document, unused_fragments

__all__ = ["AbortOnLimits", "LimitRule", "LimitWarning", "split_warnings"]


class LimitWarning(GraphQLError):
    """A limit in warn-only mode was exceeded: log and expose it, do not refuse."""


class _LimitAbort(ValidationAbortedError):
    """An enforced limit was exceeded: raised to end ``validate()`` early.

    ``validate()`` appends the raised error to its result, so it carries the limit's
    message, location and code like any reported error.
    """


@dataclass(slots=True)
class _DocumentState:
    operations: list[tuple[OperationDefinitionNode, OperationMetrics]]
    pending: list[GraphQLError] = field(default_factory=list)
    #: Fragments no operation uses: the document is invalid whatever else it holds.
    unused: list[FragmentDefinitionNode] = field(default_factory=list)


_states: WeakKeyDictionary[ValidationContext, _DocumentState] = WeakKeyDictionary()


def _state(context: ValidationContext, height_cap: int) -> _DocumentState:
    state = _states.get(context)
    if state is None:
        operations = measure_document(context.schema, context.document, height_cap)
        unused = unused_fragments(context.document)
        state = _states[context] = _DocumentState(operations, unused=unused)
    return state


class LimitRule(ValidationRule):
    """Compare one measure of every operation with a limit. Subclasses set the class
    attributes; ``limit_rules`` makes configured subclasses of those."""

    #: Stable error code, e.g. ``MAX_DEPTH_LIMIT``.
    code: ClassVar[str]
    #: What is measured, for messages: "depth", "aliases" ...
    measure_name: ClassVar[str]
    #: The largest accepted value.
    limit: ClassVar[int]
    #: Report a ``LimitWarning`` instead of refusing.
    warn_only: ClassVar[bool] = False
    #: Heights above this are measured as a lower bound (see ``measure_document``).
    height_cap: ClassVar[int] = 1000

    @staticmethod
    def measure(metrics: OperationMetrics) -> int:
        raise NotImplementedError

    @classmethod
    def configured(cls, limit: int, warn_only: bool, height_cap: int) -> type[LimitRule]:
        """A subclass of this rule with its limit set."""
        attributes = {"limit": limit, "warn_only": warn_only, "height_cap": height_cap}
        return type(cls.__name__, (cls,), attributes)

    def enter_document(self, node: DocumentNode, *_args: Any) -> Any:
        state = _state(self.context, self.height_cap)
        for operation, metrics in state.operations:
            measured = self.measure(metrics)
            if measured <= self.limit:
                continue
            name = f"'{operation.name.value}'" if operation.name else "(anonymous)"
            message = (
                f"Operation {name} has {self.measure_name} {measured}, "
                f"over the limit of {self.limit}."
            )
            extensions = {"code": self.code, "limit": self.limit, "measured": measured}
            if self.warn_only:
                self.report_error(LimitWarning(message, operation, extensions=extensions))
            else:
                state.pending.append(GraphQLError(message, operation, extensions=extensions))
        return SKIP  # nothing more to look at: skip this rule for the rest of the pass


class AbortOnLimits(ValidationRule):
    """End the validation pass if an enforced limit was exceeded (must come after the
    limit rules: ``ParallelVisitor`` enters the document with each rule in list order).

    Also if a fragment is unused: the spec's ``NoUnusedFragments`` would refuse the
    document anyway, and the other spec rules still walk every unused fragment — a
    hundred unused fragments of repeated fields cost ``OverlappingFieldsCanBeMerged``
    seconds (no operation limit measures a fragment that no operation spreads). The
    errors are the spec's own, one per unused fragment (the first ten)."""

    def enter_document(self, node: DocumentNode, *_args: Any) -> Any:
        state = _states.get(self.context)
        if state is not None and not state.pending and state.unused:
            # The first ten: each error locates itself by scanning the text to its node.
            *others, final = state.unused[:10]
            for fragment in others:
                self.report_error(_unused(fragment))
            unused = _unused(final)
            raise ValidationAbortedError(unused.message, unused.nodes)
        if state is not None and state.pending:
            *reported, last = state.pending
            for error in reported:
                self.report_error(error)
            raise _LimitAbort(last.message, last.nodes, extensions=last.extensions)
        return SKIP


def _unused(fragment: FragmentDefinitionNode) -> GraphQLError:
    # graphql-core's NoUnusedFragmentsRule message, word for word.
    return GraphQLError(f"Fragment '{fragment.name.value}' is never used.", fragment)


def split_warnings(
    errors: list[GraphQLError],
) -> tuple[list[GraphQLError], list[GraphQLError]]:
    """Split ``validate()``'s result into (errors, warnings of warn-only limits)."""
    real = [error for error in errors if not isinstance(error, LimitWarning)]
    warnings: list[GraphQLError] = [e for e in errors if isinstance(e, LimitWarning)]
    return real, warnings
