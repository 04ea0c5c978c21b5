"""Fewer, cheaper cyclic-GC passes for a process that serves requests (the platform's
subgraphs do the freeze only: ``subgraphs/_shared/app.py``).

A request allocates thousands of short-lived dicts and lists (subgraph responses, the
merged tree, the shaped response; a subgraph's ORM rows and resolver results), and few of
them form cycles. At CPython's default thresholds (700, 10, 10) the collector runs several
times per request, and a full collection walks every long-lived object (the parsed
supergraph, the schemas, the caches): in the gateway that showed as 20-40 ms p99 spikes
at one connection (``make bench``, README "What each optimization bought"); in the
subgraphs, as the soak's tail (``python -m bench.soak``, README "Soak": the courses
subgraph ran a full collection every ~5 s, 66-575 ms each, holding its event loop).

Objects that exist at start-up live for the whole process: ``gc.freeze`` takes them out
of every future pass, so a full pass walks only what was made since (~120,000 objects in
the gateway under the soak). Young passes are rare (past 20,000 net allocations); a
middle pass follows every 3 young ones and a full pass every 3 middle ones (a pass runs
when its count exceeds its threshold), so garbage in cycles is freed within ~180,000
net allocations (``tests/test_gc_tuning.py``). It must be: dead cycles are net
allocations, and objects that lived long enough to reach the oldest generation (a
subscription's connection, open for minutes) are freed only by a full pass. At (50,000,
50, 100) that took 250 million allocations, and the soak's gateway grew 2 MiB a minute
of such garbage. At (50,000, 2, 2) a full pass came every ~36 minutes under the soak and
each young pass, with that much garbage to free, held the loop 64-230 ms; at 20,000 a
full pass comes every ~15 minutes.

The subgraphs freeze but keep CPython's thresholds: SQLAlchemy leaves garbage in cycles
on every request (sessions, results, connection records), so at 50,000 a young pass had
that much to free and held the courses subgraph's loop 80-160 ms every 3 s; frequent
small young passes free it as it comes, and with the start-up heap frozen, a full pass
no longer walks the schema and the mappers (it took 66-575 ms, every ~5 s, unfrozen).

Call it once, when the process is ready to serve.
"""

from __future__ import annotations

import gc

#: Allocations (net of frees) between young passes, then young passes per middle one,
#: middle per full one (CPython's defaults: 700, 10, 10).
THRESHOLDS = (20_000, 2, 2)


def tune_garbage_collector() -> None:
    """Collect once, freeze what survives, and raise the collector's thresholds."""
    gc.collect()
    gc.freeze()
    # CPython runs a full pass only once the objects promoted since the last one exceed a
    # quarter of those it kept; counted before the freeze, that was the whole start-up
    # heap (hundreds of thousands of objects). A pass over what is left (nothing) resets it.
    gc.collect()
    gc.set_threshold(*THRESHOLDS)
