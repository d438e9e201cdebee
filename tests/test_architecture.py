"""The dependency rules the code relies on at run time (the import rules are import-linter's)."""

import threading

from celery import current_app

from config.celery import app as project_app


def test_core_finds_the_project_celery_app_from_any_thread():
    # core imports no project module above it, so it sends tasks and pings workers through
    # celery.current_app; that must be the configured app in request threads too (Celery's
    # Django fix-up sets it as the default app).
    seen = []
    thread = threading.Thread(target=lambda: seen.append(current_app._get_current_object()))
    thread.start()
    thread.join()
    assert seen == [project_app]
    assert seen[0].conf.broker_url == project_app.conf.broker_url
