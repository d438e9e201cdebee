"""The web server's process keeps what it loaded at start out of the garbage collector's passes."""

import gc
import importlib


def test_the_wsgi_module_freezes_the_loaded_heap():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    import config.wsgi

    importlib.reload(config.wsgi)
    try:
        assert gc.get_freeze_count() > 10_000  # Django and the apps, not a handful of objects
    finally:
        gc.unfreeze()
