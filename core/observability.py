"""The portal's own Prometheus metrics, served on ``/metrics`` (django-prometheus adds request
latency per view and query counts per database to the same registry).

``/metrics`` answers a caller presenting ``METRICS_TOKEN`` as a bearer token; without a token set it
is off (404). Labels are view names, methods, statuses, queue names and reminder kinds: never a
person, a case or a path with an id in it.
"""

from __future__ import annotations

import hmac
from datetime import timedelta

import redis
from celery import current_app as celery_app
from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.utils import timezone
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.core import GaugeMetricFamily

from core.models import Notification, OutboxJob


class PortalCollector:
    """Figures read when Prometheus scrapes: the Celery queues' depth, the outbox, reminders sent."""

    def describe(self):
        """The metrics' names without reading anything (registering must not touch the database)."""
        yield GaugeMetricFamily("portal_celery_queue_length", "", labels=["queue"])
        yield GaugeMetricFamily("portal_outbox_jobs", "")
        yield GaugeMetricFamily("portal_reminder_emails_sent_last_hour", "", labels=["kind"])

    def collect(self):
        depth = GaugeMetricFamily(
            "portal_celery_queue_length", "Tasks waiting in the broker, per queue", labels=["queue"]
        )
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1)
        queue = celery_app.conf.task_default_queue or "celery"
        try:
            depth.add_metric([queue], client.llen(queue))
        except redis.RedisError:
            pass  # no figure while Redis is down: /healthz names it
        finally:
            client.close()
        yield depth
        yield GaugeMetricFamily(
            "portal_outbox_jobs",
            "Background jobs kept while Redis was unreachable",
            value=OutboxJob.objects.count(),
        )
        sent = GaugeMetricFamily(
            "portal_reminder_emails_sent_last_hour", "Reminder e-mails sent in the last hour", labels=["kind"]
        )
        rows = (
            Notification.objects.filter(
                email_status=Notification.EmailStatus.SENT,
                email_sent_at__gte=timezone.now() - timedelta(hours=1),
            )
            .values("kind")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            sent.add_metric([row["kind"]], row["n"])
        yield sent


_collector = PortalCollector()


def register_collector() -> None:
    """Called once from CoreConfig.ready()."""
    if _collector not in getattr(REGISTRY, "_collector_to_names", {}):
        REGISTRY.register(_collector)


def metrics(request):
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise Http404
    return HttpResponse(generate_latest(REGISTRY), content_type="text/plain; version=0.0.4; charset=utf-8")
