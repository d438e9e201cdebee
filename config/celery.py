"""The Celery application: Redis broker, JSON only, tasks acknowledged after they finish."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("samarbejdsportalen")
# Celery's Django fix-up makes this the default app of every thread (``celery.current_app``):
# that is how core, which imports nothing above it, config included, reaches it.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The outbox flush (core/outbox.py) sends jobs kept while Redis was down, every 30 seconds.
app.autodiscover_tasks(["core"], related_name="outbox")


@app.on_after_configure.connect
def _schedule_outbox_flush(sender, **kwargs):
    sender.add_periodic_task(
        30.0, sender.signature("core.outbox.flush_outbox"), name="core.outbox.flush_outbox"
    )
