"""Subscriptions (and any operation) over graphql-transport-ws websockets.

    messages.py    the protocol's messages and close codes; checking a client's message
    headers.py     handshake headers + ``connection_init`` payload -> request headers
    protocol.py    one connection's state machine (over an abstract ``Socket``)
    operations.py  one operation through the pipeline: a result, or a stream
    execution.py   a subscription's plan: the upstream root fetch, then entity fetches
                   (``run_subscription``: the entry point of every transport)
    hub.py         one upstream stream per distinct subscription; queues; limits
    cursor.py      which root fields can resume, and the root fetch that lets them
    resume.py      the upstream that subscribes again after a break, after its cursor
    upstream.py    the upstream graphql-transport-ws client (``websockets``)
    errors.py      the codes clients see
    config.py      the ``subscriptions`` section

This package's ``__init__`` imports nothing: ``gateway.config`` imports ``config.py``
and the pipeline imports ``protocol.py``, each without pulling in the other.
"""
