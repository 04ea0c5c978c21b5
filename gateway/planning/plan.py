"""A query plan is plain data: ``Fetch``, ``Flatten``, ``Sequence``, ``Parallel``, and
``Defer`` when the client takes incremental delivery and defers fragments.

The executor is one ``match`` over these nodes; ``format_plan`` gives the readable text
form that planner tests snapshot and developers see in ``extensions.queryPlan``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gateway.planning.operation import NormalizedOperation


@dataclass(frozen=True, slots=True)
class KeyField:
    """One field of a representation: read ``data_key`` from the object, send as ``name``."""

    name: str
    data_key: str
    selection: tuple[KeyField, ...] | None = None
    #: A key field: an object whose value is null (or absent) is not sent.
    required: bool = False
    #: Send the nested object's ``__typename`` (its selection has type conditions).
    typename: bool = False
    #: Under type conditions: the object types whose representation has this field
    #: (None: every type).
    types: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Rename:
    """Move ``alias`` back to ``key`` in the objects of type ``type_name`` at ``path``
    (response keys from the fetch's data, or from each entity; lists are walked)."""

    path: tuple[str, ...]
    type_name: str
    alias: str
    key: str


@dataclass(frozen=True, slots=True)
class Fetch:
    subgraph: str
    #: The operation text sent to the subgraph.
    operation: str
    #: Client variables this fetch uses (only those are sent).
    variables: tuple[str, ...]
    #: For entity fetches: per type of object (``__typename`` in the data), the
    #: ``__typename`` to send and the fields of its representation.
    requires: tuple[tuple[str, str, tuple[KeyField, ...]], ...] = ()
    #: Readable forms of the selection (and of the requires) for the plan text.
    text: tuple[str, ...] = ()
    requires_text: tuple[str, ...] = ()
    kind: str = "query"
    #: Internal aliases to undo in the subgraph's data before merging (``aliases.py``).
    renames: tuple[Rename, ...] = ()

    @property
    def is_entity_fetch(self) -> bool:
        return bool(self.requires)


@dataclass(frozen=True, slots=True)
class Flatten:
    """An entity fetch for the objects at one or more places in the response.

    Several places when the same level of the plan needs the same fields of the same
    entities from the same subgraph (the benchmark's products at three depths): one
    request with their representations deduplicated, instead of one request per place.
    """

    #: Each path: response keys from the root, with "@" for "each element of the list"
    #: and "|Type" for "only the objects of that type" (below a type condition).
    paths: tuple[tuple[str, ...], ...]
    node: Fetch


@dataclass(frozen=True, slots=True)
class Sequence:
    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class Parallel:
    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class DeferredNode:
    """A deferred fragment's sub-plan: it starts from the data its ``Defer`` fetched
    (entity fetches by key, or root fetches when deferred at the root)."""

    #: The fragment (``DeferredSelection.id`` in the normalized operation).
    id: int
    label: str | None
    #: Where the fragment's objects are, as a ``Flatten`` path (data keys, "@", "|Type").
    path: tuple[str, ...]
    #: What fetches its fields (None: the parent's fetches already did); a ``Defer``
    #: when fragments inside it are deferred too.
    node: PlanNode | None


@dataclass(frozen=True, slots=True)
class Defer:
    """``primary`` runs first, and its part goes to the client; then each deferred
    fragment's sub-plan runs (concurrently), its part sent as soon as it is done."""

    primary: PlanNode | None
    deferred: tuple[DeferredNode, ...]


PlanNode = Fetch | Flatten | Sequence | Parallel | Defer


@dataclass(slots=True)
class QueryPlan:
    node: PlanNode | None
    operation: NormalizedOperation
    #: Fields answered by the gateway itself through introspection.
    has_introspection: bool = False
    #: Every response key the client uses: internal aliases are the others.
    client_keys: frozenset[str] = frozenset()
    #: What a stage running the plan derives from it once and keeps with it, by the
    #: stage's name (a subscription's resumable upstream operation:
    #: ``gateway.subscriptions.cursor``); it lives and dies with the cached plan.
    memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    def text(self) -> str:
        return format_plan(self.node)


def path_text(path: tuple[str, ...]) -> str:
    """``reviews.@|[UserReview].product``: a type condition joins the step before it."""
    text = ""
    for segment in path:
        if segment.startswith("|"):
            text += f"|[{segment[1:]}]"
        else:
            text += ("." if text else "") + segment
    return text


def format_plan(node: PlanNode | None) -> str:
    lines = ["QueryPlan {"]
    if node is not None:
        lines.extend(_format(node, 1))
    lines.append("}")
    return "\n".join(lines)


def _format(node: PlanNode, depth: int) -> list[str]:
    pad = "  " * depth
    match node:
        case Fetch():
            head = f'{pad}Fetch(service: "{node.subgraph}") {{'
            body: list[str] = []
            if node.requires_text:
                body.extend(pad + "  " + line for line in node.requires_text)
                body[-1] += " =>"
            body.extend(pad + "  " + line for line in node.text)
            return [head, *body, pad + "},"]
        case Flatten():
            inner = _format(node.node, depth + 1)
            paths = [f'"{path_text(path)}"' for path in node.paths]
            where = f"path: {paths[0]}" if len(paths) == 1 else f"paths: [{', '.join(paths)}]"
            return [f"{pad}Flatten({where}) {{", *inner, pad + "},"]
        case Defer():
            lines = [f"{pad}Defer {{", f"{pad}  Primary {{"]
            if node.primary is not None:
                lines.extend(_format(node.primary, depth + 2))
            lines.append(pad + "  },")
            for deferred in node.deferred:
                label = f'label: "{deferred.label}", ' if deferred.label is not None else ""
                where = path_text(deferred.path)
                lines.append(f'{pad}  Deferred({label}path: "{where}") {{')
                if deferred.node is not None:
                    lines.extend(_format(deferred.node, depth + 2))
                lines.append(pad + "  },")
            lines.append(pad + "},")
            return lines
        case Sequence() | Parallel():
            name = "Sequence" if isinstance(node, Sequence) else "Parallel"
            lines = [f"{pad}{name} {{"]
            for child in node.nodes:
                lines.extend(_format(child, depth + 1))
            lines.append(pad + "},")
            return lines
