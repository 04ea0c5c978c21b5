"""Retired fields: fields the graph has moved on from, hidden from every client but the
old app versions still in users' hands that use them (docs/persisted-queries.md).

    config.py   ``retired.fields``: each field and the (client, version) pairs served it
    clients.py  ``Retirements``: a request's headers -> the fields hidden from it
    views.py    the API schema without those fields, with its own document cache
    step.py     ``RetiredFieldsStep``: puts the hidden set in the request's state

The supergraph keeps the fields (planning needs them); the pipeline validates and answers
introspection against the caller's view (``SupergraphState.views``).
"""

from gateway.retired.clients import CLIENT_NAME, CLIENT_VERSION, Retirements
from gateway.retired.config import RetiredConfig, RetiredField
from gateway.retired.step import RetiredFieldsStep
from gateway.retired.views import (
    HIDDEN_FIELDS,
    SchemaView,
    SchemaViews,
    view_schema,
    visible_coordinates,
)

__all__ = [
    "CLIENT_NAME",
    "CLIENT_VERSION",
    "HIDDEN_FIELDS",
    "RetiredConfig",
    "RetiredField",
    "RetiredFieldsStep",
    "Retirements",
    "SchemaView",
    "SchemaViews",
    "view_schema",
    "visible_coordinates",
]
