"""The request log: one line per operation, JSON in production, readable in dev.

Fields: ``request_id``, ``operation`` (name), ``operation_hash`` (the persisted id, else
the SHA-256 of the document), ``operation_type``, ``client_name``, ``client_version``,
``transport``, ``status``, ``outcome``, ``duration_ms``, ``subgraph_calls``,
``subgraph_errors``, ``error_codes`` and, when traced, ``trace_id``. Never the variables,
the document's text, or any header other than the client's name and version: a token or
a personal value cannot end up in a log.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import orjson

__all__ = ["LOGGER_NAME", "RequestLog"]

#: The logger of the request lines (level INFO).
LOGGER_NAME = "gateway.requests"


class RequestLog:
    """Writes request lines to the ``gateway.requests`` logger in ``format``."""

    def __init__(self, format: str) -> None:
        self.json = format == "json"
        self.logger = logging.getLogger(LOGGER_NAME)
        if self.json:
            _json_handler(self.logger)

    def write(self, fields: dict[str, Any]) -> None:
        """Log one operation's ``fields`` (skipped when INFO is off for the logger)."""
        if not self.logger.isEnabledFor(logging.INFO):
            return
        if self.json:
            self.logger.info(orjson.dumps(fields).decode())
        else:
            self.logger.info(_text(fields))


def _json_handler(logger: logging.Logger) -> None:
    """JSON lines go to stderr as they are: no ``LEVEL name:`` prefix from the root
    handler's format would leave them parseable. Installed once per process."""
    if any(getattr(h, "_gateway_json", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler._gateway_json = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def _text(fields: dict[str, Any]) -> str:
    """``200 query Name 1.23ms client=ios/1.2 subgraphs=3 id=... [CODES]``"""
    client = fields["client_name"] or "-"
    if fields["client_version"]:
        client += "/" + fields["client_version"]
    parts = [
        str(fields["status"]),
        fields["operation_type"] or "-",
        fields["operation"] or "-",
        f"{fields['duration_ms']:.2f}ms",
        f"client={client!r}",
        f"subgraphs={fields['subgraph_calls']}",
        f"id={fields['request_id']}",
    ]
    if fields["error_codes"]:
        parts.append("codes=" + ",".join(fields["error_codes"]))
    return " ".join(parts)
