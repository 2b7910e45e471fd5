"""Each server worker settles its heap once the application is loaded: what every request would
load lazily is loaded, and everything alive then is frozen out of the collector's full passes
(legation.ops.server.settle_heap)."""

from __future__ import annotations

import gc
import sys

from legation.ops.server import GC_THRESHOLDS, settle_heap


def test_the_loaded_application_is_frozen_out_of_full_collections():
    gc.unfreeze()
    thresholds = gc.get_threshold()
    try:
        settle_heap()
        assert gc.get_threshold() == GC_THRESHOLDS
        frozen = gc.get_freeze_count()
        # The views' modules and pypinyin's tables are loaded, and frozen with the rest.
        assert "legation.web.views" in sys.modules and "pypinyin.phrases_dict" in sys.modules
        assert frozen > 100_000
        tracked = len(gc.get_objects())  # what a full collection walks: not the frozen
        assert tracked < frozen / 2
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
