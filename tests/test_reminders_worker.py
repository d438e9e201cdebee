"""End to end with a real Celery worker on the real Redis (not eager): scan -> notification rows ->
e-mail tasks -> a real local SMTP server. Killing the worker mid-run loses and duplicates nothing."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from core.models import Notification, NotificationPreference
from core.roles import Role
from tests.services import CeleryWorker
from tests.test_reminders_common import RecordingHandler, SMTPServer, make_case, make_task

S = Notification.EmailStatus
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clean_broker():
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.flushdb()
    yield
    client.flushdb()


def start_worker(smtp_port: int) -> CeleryWorker:
    worker = CeleryWorker(
        database_name=settings.DATABASES["default"]["NAME"],
        broker_url=settings.CELERY_BROKER_URL,
        extra_env={
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_TIMEOUT": "5",
        },
    )
    worker.start(timeout=60)
    return worker


def wait_until(predicate, timeout=60.0, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise TimeoutError(f"timed out waiting for {message}")


def overdue_tasks_for(users, municipality):
    case = make_case(municipality=municipality)
    for user in users:
        make_task(case, responsible=user, due=timezone.localdate() - timedelta(days=1))


def test_scan_and_digest_through_a_real_worker(make_user, municipality, organisation, clean_broker):
    from core.tasks import run_reminder_scans, send_daily_digests

    immediate = [make_user(role=Role.CASEWORKER, organisation=organisation) for _ in range(3)]
    digest_user = make_user(role=Role.CASEWORKER, organisation=organisation)
    NotificationPreference.objects.create(user=digest_user, mode=NotificationPreference.Mode.DIGEST)
    case = make_case(municipality=municipality)
    for user in immediate:
        make_task(case, responsible=user, due=timezone.localdate() - timedelta(days=1))
    for i in range(2):
        make_task(
            case, responsible=digest_user, due=timezone.localdate() - timedelta(days=1), title=f"Opgave {i}"
        )

    handler = RecordingHandler()
    with SMTPServer(handler) as server:
        worker = start_worker(server.port)
        try:
            run_reminder_scans.delay()
            handler.wait_for(3)
            wait_until(
                lambda: Notification.objects.filter(email_status=S.SENT).count() == 3, message="3 sent"
            )
            assert Notification.objects.filter(email_status=S.DIGEST).count() == 2

            run_reminder_scans.delay()  # a doubly scheduled scan sends nothing new
            send_daily_digests.delay()
            handler.wait_for(4)
            wait_until(
                lambda: not Notification.objects.filter(email_status=S.DIGEST).exists(), message="digest"
            )
            time.sleep(1.5)
        finally:
            worker.stop()
    counts = Counter(handler.recipients())
    assert counts == Counter([u.email for u in immediate] + [digest_user.email])
    digest_body = next(body for tos, body in handler.messages if tos == [digest_user.email])
    assert "Opgave 0" in digest_body and "Opgave 1" in digest_body


def test_killing_the_worker_mid_run_loses_and_duplicates_nothing(
    make_user, municipality, organisation, clean_broker, settings
):
    from core.tasks import run_reminder_scans, run_scans

    users = [make_user(role=Role.CASEWORKER, organisation=organisation) for _ in range(12)]
    overdue_tasks_for(users, municipality)
    handler = RecordingHandler(delay=0.4)  # slow SMTP server, so the kill lands mid-run
    with SMTPServer(handler) as server:
        worker = start_worker(server.port)
        try:
            run_reminder_scans.delay()
            handler.wait_for(3)
            worker.kill()  # SIGKILL: no warm shutdown, the task in hand is not acknowledged
            delivered_before = len(handler.recipients())
            assert delivered_before < len(users)
            assert Notification.objects.count() == len(users)  # the scan itself had committed

            # Beat's next scan (here with a short "stale" threshold) enqueues again what the dead
            # worker left queued; the restarted worker also finds the rest still in Redis.
            settings.REMINDER_REQUEUE_AFTER_SECONDS = 0
            run_scans()
            worker = start_worker(server.port)
            handler.wait_for(len(users), timeout=90)
            wait_until(
                lambda: Notification.objects.filter(email_status=S.SENT).count() == len(users),
                message="all sent",
            )
            client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
            wait_until(lambda: client.llen("celery") == 0, message="queue drained")
            time.sleep(2)  # let the worker finish the duplicates it was handed (they must skip)
        finally:
            worker.stop()
    counts = Counter(handler.recipients())
    assert set(counts) == {u.email for u in users}
    assert max(counts.values()) == 1, counts


def test_smtp_refusal_is_retried_by_the_worker_without_blocking_others(
    make_user, municipality, organisation, clean_broker
):
    from core.tasks import run_reminder_scans

    alice, bob, carol = (make_user(role=Role.CASEWORKER, organisation=organisation) for _ in range(3))
    overdue_tasks_for([alice, bob, carol], municipality)
    handler = RecordingHandler(refuse=[bob.email])
    with SMTPServer(handler) as server:
        worker = CeleryWorker(
            database_name=settings.DATABASES["default"]["NAME"],
            broker_url=settings.CELERY_BROKER_URL,
            extra_env={
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(server.port),
                "EMAIL_USE_TLS": "0",
                "EMAIL_TIMEOUT": "5",
                "REMINDER_EMAIL_RETRY_BACKOFF": "2",
            },
        )
        worker.start(timeout=60)
        try:
            run_reminder_scans.delay()
            handler.wait_for(2)
            bobs = Notification.objects.filter(recipient=bob)
            wait_until(lambda: bobs.filter(email_status=S.FAILED).exists(), message="bob failed")
            assert sorted(handler.recipients()) == sorted([alice.email, carol.email])
            assert "550" in bobs.get().last_error

            handler.refuse.clear()  # the server accepts again: the scheduled retry delivers it
            wait_until(lambda: bobs.filter(email_status=S.SENT).exists(), timeout=60, message="bob retried")
        finally:
            worker.stop()
    assert Counter(handler.recipients()) == Counter([alice.email, bob.email, carol.email])
    assert bobs.get().email_attempts >= 2
