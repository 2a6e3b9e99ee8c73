"""The garbage collector of a service process, set for serving (once it has started).

A rush of requests allocates fast. With CPython's default thresholds (700, 10, 10) the cycle
collector ran some 250 times per thousand claims, and now and then a full collection walked
every object the process holds (its modules, the app, the models: hundreds of thousands),
which cost about as much CPU as the claims themselves (benchmarks/claims_race.py, BENCHMARKS.md).
So, once a process has started: what it built to start lives as long as the process and is
frozen (``gc.freeze``: never walked again), and a young collection waits for ``GEN0_THRESHOLD``
new objects instead of 700. Reference counting still frees almost everything at once; only
garbage in cycles waits a little longer.
"""

from __future__ import annotations

import gc

GEN0_THRESHOLD = 20_000  # allocations between young collections (CPython's default: 700)
_frozen = False


def settle() -> None:
    """Freeze what the process holds after its start-up (the first call only: a test process starts
    many services, and a later freeze would keep its garbage for good), then the serving thresholds."""
    global _frozen
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True
    gen0, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(max(gen0, GEN0_THRESHOLD), gen1, gen2)
