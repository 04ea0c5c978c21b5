"""``gateway.gc_tuning``: what the gateway and the subgraphs do to the collector when they
are ready to serve. Run in a child process: freezing this test process's objects would
change every test after it."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import gc, weakref
from gateway.gc_tuning import THRESHOLDS, tune_garbage_collector

class Node:
    pass

def cycle():
    a, b = Node(), Node()
    a.other, b.other = b, a
    return a

startup = [cycle() for _ in range(100_000)]  # a start-up heap that lives on
tune_garbage_collector()
assert gc.get_threshold() == THRESHOLDS, gc.get_threshold()
assert gc.get_freeze_count() > 0          # what existed at start-up is out of every pass
# A long-lived cycle that became garbage (a subscription's connection that lived for
# minutes) is freed by the collector's own passes, after a bounded amount of allocation:
# with the oldest generation collected too rarely, it piled up (the soak's memory).
old = cycle()
gc.collect(1)                              # it has survived into the oldest generation
alive = weakref.ref(old)
del old
# Dead cycles are net allocations (never freed but by the collector): made here as
# objects that live on, 250,000 of them at most.
held = []
for _ in range(250):
    held.append([[] for _ in range(1000)])
    if alive() is None:
        break
assert alive() is None, "a dead cycle outlived 250,000 net allocations"
print("ok")
"""


def test_tuning_freezes_start_up_and_still_frees_old_cycles() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
