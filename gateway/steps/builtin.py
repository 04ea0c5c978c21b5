"""The gateway's own steps, built from its configuration, in their order:

0. ``ObservabilityStep`` — metrics, traces, the request log (first: it sees refusals);
1. ``AuthenticationStep`` — always: it also removes forged identity headers;
2. ``RateLimitStep`` — when a budget is set (it keys on the identity from 1);
3. ``ProductionStep`` — in ``mode: production``;
4. ``AuthorizationStep`` — always: binds the authorizer ``Gateway.prepare`` asks before
   planning (``authorization.enabled: false`` makes it allow everything);
5. ``RetiredFieldsStep`` — when ``retired.fields`` is set: which retired fields the
   client may not see (its schema view, ``gateway.retired``).

An embedding application's steps run after these (``Gateway.create(config, steps=...)``).
"""

from __future__ import annotations

from collections.abc import Sequence

from gateway.auth.step import AuthenticationStep
from gateway.authz.step import AuthorizationStep
from gateway.config import GatewayConfig
from gateway.observability.step import ObservabilityStep
from gateway.ratelimit.step import RateLimitStep
from gateway.retired.step import RetiredFieldsStep
from gateway.steps.base import Step
from gateway.steps.production import ProductionStep


def builtin_steps(config: GatewayConfig, extra: Sequence[Step] = ()) -> list[Step]:
    steps: list[Step] = [ObservabilityStep(config.observability, config.mode)]
    steps.append(AuthenticationStep(config.auth))
    budgets = (config.rate_limits.operations, config.rate_limits.connections)
    if any(budget.per_second is not None for budget in budgets):
        steps.append(RateLimitStep(config.rate_limits, config.redis_url))
    if config.mode == "production":
        steps.append(ProductionStep())
    steps.append(AuthorizationStep(config.authorization, config.engine.plan_cache_size))
    if config.retired.fields:
        steps.append(RetiredFieldsStep(config.retired))
    steps.extend(extra)
    return steps
