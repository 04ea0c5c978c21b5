"""The seam for cross-cutting concerns: steps that run at named points of every request.

See ``gateway.steps.base`` for the points and their order; the built-in steps
(authentication, rate limits, production hardening) are built from the configuration by
``gateway.steps.builtin``.
"""

from gateway.steps.base import Step, Steps

__all__ = ["Step", "Steps"]
