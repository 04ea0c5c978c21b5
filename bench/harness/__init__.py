"""``make bench``: the side-by-side gateway benchmark (see docs/bench.md).

Modules, in the order a run uses them: ``settings`` (env knobs), ``procs`` (start, pin,
measure and stop processes), ``workload`` (request bodies and expected answers),
``gateways`` (ours and the peers, each a start command), ``checks`` (a full response
compared as JSON), ``load`` (wrk runs and the floor driver), ``report`` (the table),
``run`` (the whole sequence).
"""
