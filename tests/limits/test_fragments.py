"""Fragment cycles, exponential fan-out and long chains: measured once, never expanded."""

from __future__ import annotations

from graphql import parse

from gateway.limits import LimitsConfig, measure_document
from tests.limits.helpers import SCHEMA, codes, numbers, run


def fan_out(levels: int) -> str:
    """A document of ~60 bytes per level whose expansion selects 2**levels fields."""
    fragments = [
        f"fragment F{i} on User {{ a{i}: name ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    ]
    fragments.append(f"fragment F{levels} on User {{ name }}")
    return "query Fan { me { ...F0 } }\n" + "\n".join(fragments)


def test_a_two_kilobyte_document_expanding_to_two_to_the_thirty_fields() -> None:
    text = fan_out(30)
    assert len(text) < 2200
    [(_, metrics)] = measure_document(SCHEMA, parse(text))
    assert metrics.aliases == 2**30 - 1  # each level's alias, at every expansion
    assert metrics.height == 2  # Query.me, User.name
    assert metrics.depth == 2


def test_fan_out_is_refused_with_the_expanded_count() -> None:
    errors, _ = run(fan_out(30), LimitsConfig())
    assert codes(errors) == ["MAX_ALIASES_LIMIT"]
    assert numbers(errors[0]) == (30, 2**30 - 1)


def test_fragment_cycles_end_and_the_spec_rule_reports_them() -> None:
    document = """
    query Q { me { ...A } }
    fragment A on User { name ...B }
    fragment B on User { id ...A }
    fragment C on User { ...C }
    """
    [(_, metrics)] = measure_document(SCHEMA, parse(document))
    assert (metrics.depth, metrics.height) == (2, 3)  # me, User.name, User.id
    errors, warnings = run(document, LimitsConfig())
    assert warnings == []
    # An unused fragment ends the pass before the spec's rules (AbortOnLimits): its error
    # is the spec's, alone.
    assert [e.message for e in errors] == ["Fragment 'C' is never used."]
    errors, _ = run(document.replace("fragment C on User { ...C }", ""), LimitsConfig())
    assert [e.message for e in errors] == ["Cannot spread fragment 'A' within itself via 'B'."]


def test_a_chain_of_two_thousand_fragments_is_measured_without_recursion() -> None:
    count = 2000
    fragments = "\n".join(
        f"fragment F{i} on Query {{ f{i}: me {{ id }} ...F{i + 1} }}" for i in range(count)
    )
    text = f"query Chain {{ ...F0 }}\n{fragments}\nfragment F{count} on Query {{ me {{ id }} }}"
    [(_, metrics)] = measure_document(SCHEMA, parse(text))
    assert metrics.root_fields == count + 1
    assert metrics.aliases == count
    assert metrics.height == 2
    errors, _ = run(text, LimitsConfig())
    assert codes(errors) == ["MAX_ALIASES_LIMIT", "MAX_ROOT_FIELDS_LIMIT"]


def test_height_of_invented_fields_is_capped_not_copied_quadratically() -> None:
    count = 1500
    fragments = "\n".join(f"fragment F{i} on Query {{ x{i} ...F{i + 1} }}" for i in range(count))
    text = f"{{ ...F0 }}\n{fragments}\nfragment F{count} on Query {{ y }}"
    [(_, metrics)] = measure_document(SCHEMA, parse(text), height_cap=200)
    assert 200 < metrics.height < 400  # a lower bound past the cap
