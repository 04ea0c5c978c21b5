"""Checks one subgraph on its own, and upgrades Federation 1 subgraphs.

Per-subgraph rules (Apollo's codes): every ``@key``/``@requires``/``@provides`` field set
must select existing fields (``*_INVALID_FIELDS``), keys may not select fields with
arguments (``KEY_FIELDS_HAS_ARGS``) or lists/interfaces/unions
(``KEY_FIELDS_SELECT_INVALID_TYPE``), ``@requires``/``@provides`` may only name
``@external`` fields (``*_FIELDS_MISSING_EXTERNAL``), and an ``@external`` field must be
used by one of them (``EXTERNAL_UNUSED``).

Federation 1 subgraphs follow the upgrade rules of Federation 2 composition: every
field counts as ``@shareable``, unused ``@external`` fields are removed, and
``extend type`` becomes a plain definition (``subgraph.py`` never marks those keys as
extensions). In every subgraph, ``@external`` on the key fields of a type extension is
dropped (a "fake" external: the fields arrive in every representation).
"""

from __future__ import annotations

import re

from gateway.composition.errors import CompositionError
from gateway.composition.fieldset import Walk, base_name, walk
from gateway.composition.model import Subgraph, TypeDef

UsedFields = set[tuple[str, str]]


def check_subgraph(subgraph: Subgraph) -> list[CompositionError]:
    """Validate (and for Federation 1, upgrade) ``subgraph`` in place."""
    errors = _check_references(subgraph)
    if errors:
        return errors
    if subgraph.fed1:
        _everything_shareable(subgraph)
    _drop_fake_externals(subgraph)
    used = _check_field_sets(subgraph, errors)
    subgraph.used = used
    if errors:
        return errors
    for type_def in subgraph.types.values():
        _check_type(subgraph, type_def, used, errors)
    return errors


# Progressive override labels: ``percent(<0-100, up to 8 decimals>)`` or a plain identifier.
_PERCENT_LABEL = re.compile(r"^percent\((\d{1,3}(\.\d{1,8})?)\)$")
_NAMED_LABEL = re.compile(r"^[a-zA-Z][a-zA-Z0-9_\-:./]*$")


def _check_override_label(
    subgraph: Subgraph, coordinate: str, label: str, errors: list[CompositionError]
) -> None:
    if subgraph.fed_minor < 7:
        errors.append(
            _error(
                subgraph,
                "INVALID_GRAPHQL",
                f"@override(label:) on {coordinate} needs federation v2.7 or later "
                f"(this subgraph links v2.{subgraph.fed_minor})",
            )
        )
        return
    percent = _PERCENT_LABEL.match(label)
    if (percent and float(percent.group(1)) <= 100) or (not percent and _NAMED_LABEL.match(label)):
        return
    errors.append(
        _error(
            subgraph,
            "OVERRIDE_LABEL_INVALID",
            f'Invalid @override label "{label}" on {coordinate}: it must be "percent(<0-100>)" '
            "or start with a letter and use only letters, digits and _ - : . /",
        )
    )


BUILTIN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})


def _check_references(subgraph: Subgraph) -> list[CompositionError]:
    """Every type a subgraph mentions exists there, with the right kind."""
    errors: list[CompositionError] = []

    def kind(name: str) -> str | None:
        if name in BUILTIN_SCALARS:
            return "scalar"
        t = subgraph.types.get(name)
        return t.kind if t is not None else None

    def expect(name: str, allowed: tuple[str, ...], where: str) -> None:
        found = kind(name)
        if found is None:
            errors.append(_error(subgraph, "INVALID_GRAPHQL", f'Unknown type "{name}" ({where})'))
        elif found not in allowed:
            errors.append(
                _error(subgraph, "INVALID_GRAPHQL", f'"{name}" is not a valid type for {where}')
            )

    outputs = ("object", "interface", "union", "enum", "scalar")
    inputs = ("input", "enum", "scalar")
    for t in subgraph.types.values():
        for f in t.fields.values():
            where = f'field "{t.name}.{f.name}"'
            expect(base_name(f.type), inputs if t.kind == "input" else outputs, where)
            for a in f.args.values():
                expect(base_name(a.type), inputs, f'argument "{t.name}.{f.name}({a.name}:)"')
        for iface in t.interfaces:
            expect(iface, ("interface",), f'"{t.name}" implements it')
        for member in t.members:
            expect(member, ("object",), f'member of union "{t.name}"')
    return errors


def _error(subgraph: Subgraph, code: str, message: str) -> CompositionError:
    return CompositionError(code, f"[{subgraph.name}] {message}", (subgraph.name,))


def _everything_shareable(subgraph: Subgraph) -> None:
    for type_def in subgraph.types.values():
        if type_def.kind == "object":
            for f in type_def.fields.values():
                f.shareable = True


def _drop_fake_externals(subgraph: Subgraph) -> None:
    """``@external`` on the key fields of a type extension means nothing.

    Federation 1 required it (``extend type User @key(fields: "id") { id: ID! @external }``)
    and Federation 2 tolerates it; either way the subgraph receives those fields in every
    representation, so they are not external.
    """
    for type_def in subgraph.types.values():
        if not type_def.extension_only:
            continue
        for key in type_def.keys:
            for selected in walk(subgraph, type_def.name, key.fields).selected:
                if selected.top_level:
                    selected.field.external = False


def _check_field_sets(subgraph: Subgraph, errors: list[CompositionError]) -> UsedFields:
    used: UsedFields = set()

    def mark(result: Walk) -> None:
        used.update((s.parent, s.field.name) for s in result.selected)

    for type_def in subgraph.types.values():
        for key in type_def.keys:
            result = walk(subgraph, type_def.name, key.fields)
            mark(result)
            subgraph.key_fields.update((s.parent, s.field.name) for s in result.selected)
            where = f'@key(fields: "{key.fields}") on "{type_def.name}"'
            if result.problems:
                errors.append(
                    _error(
                        subgraph,
                        "KEY_INVALID_FIELDS",
                        f"{where} is invalid: {'; '.join(result.problems)}",
                    )
                )
            elif result.with_args:
                errors.append(
                    _error(
                        subgraph,
                        "KEY_FIELDS_HAS_ARGS",
                        f"{where} selects field(s) with arguments: {', '.join(result.with_args)}",
                    )
                )
            elif result.bad_key_types:
                errors.append(
                    _error(
                        subgraph,
                        "KEY_FIELDS_SELECT_INVALID_TYPE",
                        f"{where} selects a list, interface or union field: "
                        + ", ".join(result.bad_key_types),
                    )
                )
        for f in type_def.fields.values():
            coordinate = f'"{type_def.name}.{f.name}"'
            if f.requires is not None:
                result = walk(subgraph, type_def.name, f.requires)
                mark(result)
                if result.problems:
                    errors.append(
                        _error(
                            subgraph,
                            "REQUIRES_INVALID_FIELDS",
                            f'@requires(fields: "{f.requires}") on {coordinate} is invalid: '
                            + "; ".join(result.problems),
                        )
                    )
                missing = [
                    f"{s.parent}.{s.field.name}"
                    for s in result.selected
                    if not s.field.external and (s.top_level or s.parent in _entity_names(subgraph))
                ]
                if missing and not result.problems:
                    errors.append(
                        _error(
                            subgraph,
                            "REQUIRES_FIELDS_MISSING_EXTERNAL",
                            f'@requires(fields: "{f.requires}") on {coordinate} selects '
                            f"{', '.join(missing)}, which must be marked @external",
                        )
                    )
            if f.provides is not None:
                target = subgraph.types.get(base_name(f.type))
                if target is None or target.kind not in ("object", "interface", "union"):
                    errors.append(
                        _error(
                            subgraph,
                            "PROVIDES_ON_NON_OBJECT_FIELD",
                            f"@provides on {coordinate} is invalid: its type {f.type} "
                            "is not a composite type",
                        )
                    )
                    continue
                result = walk(subgraph, target.name, f.provides)
                mark(result)
                subgraph.provided.update((s.parent, s.field.name) for s in result.selected)
                subgraph.provided.update((s.parent, s.field.name) for s in result.selected)
                if result.problems:
                    errors.append(
                        _error(
                            subgraph,
                            "PROVIDES_INVALID_FIELDS",
                            f'@provides(fields: "{f.provides}") on {coordinate} is invalid: '
                            + "; ".join(result.problems),
                        )
                    )
                elif not subgraph.fed1:
                    missing = [
                        f"{s.parent}.{s.field.name}"
                        for s in result.selected
                        if not s.field.external and s.parent in _entity_names(subgraph)
                    ]
                    if missing:
                        errors.append(
                            _error(
                                subgraph,
                                "PROVIDES_FIELDS_MISSING_EXTERNAL",
                                f'@provides(fields: "{f.provides}") on {coordinate} selects '
                                f"{', '.join(missing)}, which must be marked @external",
                            )
                        )
    return used


def _entity_names(subgraph: Subgraph) -> set[str]:
    return {t.name for t in subgraph.types.values() if t.keys}


def _check_type(
    subgraph: Subgraph, type_def: TypeDef, used: UsedFields, errors: list[CompositionError]
) -> None:
    if type_def.interface_object and not type_def.keys:
        errors.append(
            _error(
                subgraph,
                "INTERFACE_OBJECT_USAGE_ERROR",
                "@interfaceObject can only be applied to entity types but type "
                f'"{type_def.name}" has no @key in this subgraph',
            )
        )
    if type_def.kind == "interface" and type_def.keys:
        _check_interface_keys(subgraph, type_def, errors)
    implemented = {
        name
        for iface in type_def.interfaces
        if (it := subgraph.types.get(iface)) is not None
        for name in it.fields
    }
    for name, f in list(type_def.fields.items()):
        coordinate = f'"{type_def.name}.{name}"'
        if f.override_from is not None and f.override_from == subgraph.name:
            errors.append(
                _error(
                    subgraph,
                    "OVERRIDE_FROM_SELF_ERROR",
                    f'@override on {coordinate} names its own subgraph "{subgraph.name}"',
                )
            )
        if f.override_from is not None and f.external:
            errors.append(
                _error(
                    subgraph,
                    "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                    f"@override cannot be used on {coordinate}, which is @external",
                )
            )
        if f.override_label is not None:
            _check_override_label(subgraph, coordinate, f.override_label, errors)
        if not f.external or (type_def.name, name) in used or name in implemented:
            continue
        if subgraph.fed1:
            del type_def.fields[name]
        else:
            errors.append(
                _error(
                    subgraph,
                    "EXTERNAL_UNUSED",
                    f"field {coordinate} is marked @external but is not used by any @key, "
                    "@requires or @provides",
                )
            )


def _normal(fields: str) -> str:
    return " ".join(fields.replace("{", " { ").replace("}", " } ").split())


def _check_interface_keys(
    subgraph: Subgraph, iface: TypeDef, errors: list[CompositionError]
) -> None:
    """Every implementation of an entity interface must have the interface's keys."""
    for impl in subgraph.types.values():
        if iface.name not in impl.interfaces or impl.kind != "object":
            continue
        impl_keys = {_normal(k.fields) for k in impl.keys}
        for key in iface.keys:
            if _normal(key.fields) not in impl_keys:
                errors.append(
                    _error(
                        subgraph,
                        "INTERFACE_KEY_NOT_ON_IMPLEMENTATIONS",
                        f'Key @key(fields: "{key.fields}") on interface type "{iface.name}" is '
                        f'missing on implementation type "{impl.name}"',
                    )
                )
