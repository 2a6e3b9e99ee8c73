"""A started service process freezes what start-up built and collects young objects less often (heap.py)."""

import gc

from gongjian_shared import heap


def test_settle_freezes_the_start_up_heap_once_and_raises_the_young_threshold():
    kept = [object() for _ in range(10)]  # noqa: F841 - alive at "start-up"
    heap.settle()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    assert gc.get_threshold()[0] >= heap.GEN0_THRESHOLD
    heap.settle()  # a second service start in the same process freezes nothing more
    assert gc.get_freeze_count() == frozen
