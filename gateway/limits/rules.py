"""``limit_rules(config)``: the configured operation-limit rules for ``validate()``."""

from __future__ import annotations

from graphql.validation import ASTValidationRule

from gateway.limits.aliases import MaxAliasesRule
from gateway.limits.config import Limit, LimitsConfig
from gateway.limits.depth import MaxDepthRule
from gateway.limits.directives import MaxDirectivesRule
from gateway.limits.height import MaxHeightRule
from gateway.limits.root_fields import MaxRootFieldsRule
from gateway.limits.rule import AbortOnLimits, LimitRule
from gateway.limits.width import MaxWidthRule

__all__ = ["limit_rules"]


def limit_rules(config: LimitsConfig) -> list[type[ASTValidationRule]]:
    """The rules for every limit that is set, then ``AbortOnLimits``.

    Run them in the same ``validate()`` pass as the specification's rules, e.g.
    ``validate(schema, document, [*specified_rules, *limit_rules(config)])``; keep this
    list's order (``AbortOnLimits`` last). Build it once per configuration: the classes
    carry the limits.
    """
    # Heights past the limit need not be measured exactly (see ``measure_document``).
    height_cap = config.height.max + 1 if config.height.max is not None else 1000
    limits: list[tuple[type[LimitRule], Limit]] = [
        (MaxDepthRule, config.depth),
        (MaxHeightRule, config.height),
        (MaxAliasesRule, config.aliases),
        (MaxRootFieldsRule, config.root_fields),
        (MaxDirectivesRule, config.directives),
        (MaxWidthRule, config.width),
    ]
    rules: list[type[ASTValidationRule]] = [
        rule.configured(limit.max, limit.warn_only, height_cap)
        for rule, limit in limits
        if limit.max is not None
    ]
    if rules:
        rules.append(AbortOnLimits)
    return rules
