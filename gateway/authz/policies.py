"""The named policies of ``@policy``: Python callables from configuration.

A policy is ``module:function``, called with the caller's ``Identity``; it returns a bool
or an awaitable of one. Each policy an operation needs is called once per request. A
policy that raises, or returns anything but ``True``, refuses; so does a name the
configuration does not give (a typo in a subgraph's SDL must not open a field).
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping

from gateway.errors import GatewayError
from gateway.request import Identity

logger = logging.getLogger("gateway.authz")

Policy = Callable[[Identity], bool | Awaitable[bool]]


class PolicyLoadError(GatewayError):
    """A configured policy cannot be imported (refuses to start: a misconfiguration)."""

    code = "INVALID_CONFIGURATION"
    status = 500


def load_policies(paths: Mapping[str, str]) -> dict[str, Policy]:
    """Import each ``module:function`` (dotted attributes allowed after the colon)."""
    policies: dict[str, Policy] = {}
    for name, path in paths.items():
        module_name, _, attribute = path.partition(":")
        try:
            target: object = importlib.import_module(module_name)
            for part in attribute.split("."):
                target = getattr(target, part)
        except (ImportError, AttributeError) as error:
            raise PolicyLoadError(f"authorization.policies.{name}: {path}: {error}") from error
        if not callable(target):
            raise PolicyLoadError(f"authorization.policies.{name}: {path} is not callable")
        policies[name] = target
    return policies


async def evaluate(
    policies: Mapping[str, Policy], names: Iterable[str], identity: Identity
) -> frozenset[str]:
    """The policies among ``names`` that grant ``identity``."""
    granted: set[str] = set()
    for name in names:
        policy = policies.get(name)
        if policy is None:
            continue
        try:
            result = policy(identity)
            if inspect.isawaitable(result):
                result = await result
        except Exception:  # a policy's bug refuses; it never becomes a 500
            logger.exception("authorization policy %r failed", name)
            continue
        if result is True:
            granted.add(name)
    return frozenset(granted)
