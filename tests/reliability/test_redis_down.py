"""Redis down: pages keep working, /healthz says so, and enqueued work waits in the outbox.

Every test owns its redis-server (tests/services.py) and really stops and starts it.
"""

import uuid
from datetime import timedelta

import pytest
import requests
from django.db import transaction
from django.utils import timezone

from borgerforloeb.services.cases import assign_coordinator, hand_over_case
from config.celery import app as celery_app
from core.models import OutboxJob
from core.outbox import flush_outbox
from core.queue import enqueue_on_commit
from core.roles import Role
from tests.reliability.probe_tasks import PROBE_TASK, probe_runs, record_probe
from tests.reliability.servers import ProbeWorker, login, wait_until

PASSWORD = "Pålidelig-kodeord-2026"


def make_offer(organisation, name="Kvindecafé for grønlandske kvinder"):
    from tilbud.models import Offer

    return Offer.objects.create(organisation=organisation, name=name, description="Hver tirsdag")


def test_pages_and_login_work_while_redis_is_down(redis_server, web_server, make_user, organisation):
    offer = make_offer(organisation)
    user = make_user(role=Role.CASEWORKER, organisation=organisation, password=PASSWORD)
    server = web_server(redis_url=redis_server.url)
    assert requests.get(server.url("/healthz"), timeout=10).json()["services"]["redis"]["up"] is True

    redis_server.stop()

    pages = [
        "/",
        "/tilbud/",
        f"/tilbud/{offer.pk}/",
        "/samarbejde/",
        f"/samarbejde/{organisation.municipality.slug}/",
        "/konto/login/",
    ]
    browser = requests.Session()
    for path in pages:
        response = browser.get(server.url(path), timeout=10, allow_redirects=False)
        assert response.status_code == 200, (path, response.status_code, server.log_text()[-2000:])
    response = browser.get(server.url("/forloeb/"), timeout=10, allow_redirects=False)
    assert response.status_code == 302 and "/konto/login/" in response.headers["Location"]

    # Signing in keeps working: sessions live in PostgreSQL, the cache falls back to process memory.
    response = login(browser, server, user.email, PASSWORD)
    assert response.status_code == 302, server.log_text()[-2000:]
    for path in [*pages[:-1], "/forloeb/"]:
        response = browser.get(server.url(path), timeout=10, allow_redirects=False)
        assert response.status_code == 200, (path, response.status_code, server.log_text()[-2000:])

    health = requests.get(server.url("/healthz"), timeout=10)
    assert health.status_code == 503
    assert "redis" in health.json()["down"]
    assert health.json()["services"]["database"]["up"] is True


def test_work_enqueued_while_redis_is_down_is_kept_and_runs_once_when_it_returns(
    redis_server, probe_worker, organisation, settings
):
    settings.CELERY_BROKER_URL = redis_server.url
    token = uuid.uuid4().hex
    redis_server.stop()

    with transaction.atomic():
        offer = make_offer(organisation, name="Tolkebistand")
        enqueue_on_commit(record_probe, token, offer_id=offer.pk)

    # The user's data is saved, and the job waits in the outbox with the reason it could not go.
    assert offer.__class__.objects.filter(pk=offer.pk).exists()
    job = OutboxJob.objects.get()
    assert job.task == PROBE_TASK
    assert job.args == [token] and job.kwargs == {"offer_id": str(offer.pk)}
    assert job.attempts == 1 and job.last_error
    assert flush_outbox() == 0  # still down: nothing sent, nothing lost
    assert OutboxJob.objects.filter(pk=job.pk).exists()

    redis_server.start()
    worker = probe_worker(redis_server.url)
    # What Celery beat does every 30 seconds: the worker runs the flush, which sends the job.
    with celery_app.connection_for_write(redis_server.url) as connection:
        celery_app.send_task("core.outbox.flush_outbox", connection=connection)
    assert wait_until(lambda: probe_runs(token) == 1), worker.log.name
    assert not OutboxJob.objects.exists()
    # Flushing again sends nothing twice.
    assert flush_outbox() == 0
    assert probe_runs(token) == 1


def test_with_redis_up_the_job_is_sent_at_commit_and_rollback_sends_nothing(
    redis_server, probe_worker, organisation, settings
):
    settings.CELERY_BROKER_URL = redis_server.url
    probe_worker(redis_server.url)
    sent, dropped = uuid.uuid4().hex, uuid.uuid4().hex

    with transaction.atomic():
        enqueue_on_commit(PROBE_TASK, sent)
        assert OutboxJob.objects.count() == 1  # written with the data, not before commit
    assert not OutboxJob.objects.exists()  # handed to Redis right after commit

    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(record_probe, dropped)
        raise RuntimeError("the action failed")
    assert not OutboxJob.objects.exists()

    assert wait_until(lambda: probe_runs(sent) == 1)
    assert probe_runs(dropped) == 0


def test_flush_stops_at_the_first_broker_failure_and_keeps_the_order(
    redis_server, settings, transactional_db
):
    settings.CELERY_BROKER_URL = redis_server.url
    redis_server.stop()
    for n in range(3):
        enqueue_on_commit(PROBE_TASK, f"job-{n}")
    assert list(OutboxJob.objects.values_list("args", flat=True)) == [["job-0"], ["job-1"], ["job-2"]]
    redis_server.start()
    assert flush_outbox(limit=2) == 2
    assert list(OutboxJob.objects.values_list("args", flat=True)) == [["job-2"]]
    assert flush_outbox() == 1
    assert not OutboxJob.objects.exists()


def test_celery_beat_runs_the_outbox_flush_every_30_seconds():
    entry = celery_app.conf.beat_schedule["core.outbox.flush_outbox"]
    assert entry["task"] == "core.outbox.flush_outbox"
    assert entry["schedule"] == 30.0
    celery_app.loader.import_default_modules()
    assert "core.outbox.flush_outbox" in celery_app.tasks


def test_enqueue_refuses_what_is_not_a_task(transactional_db):
    with pytest.raises(TypeError):
        enqueue_on_commit(object(), 1)


def test_every_product_action_that_enqueues_work_succeeds_while_redis_is_down_and_the_work_runs_after(
    redis_server, settings, transactional_db, make_user, municipality, organisation
):
    """The README's promise for every task: with Redis unreachable each action that starts background
    work succeeds at once and leaves an outbox row; once Redis is back a flush hands the rows to the
    worker, which does the work once."""
    import time

    from core.models import Notification, NotificationKind, NotificationPreference
    from core.notifications import send_test_notification
    from core.tasks import run_scans, send_daily_digests
    from tests.test_reminders_common import RecordingHandler, SMTPServer, involve, make_case, make_task

    K, S = NotificationKind, Notification.EmailStatus
    settings.CELERY_BROKER_URL = redis_server.url
    actor = make_user(role=Role.CASEWORKER, organisation=organisation, email="sagsbehandler@example.test")
    coordinator = make_user(role=Role.COORDINATOR, organisation=organisation, email="tovholder@example.test")
    successor = make_user(role=Role.COORDINATOR, organisation=organisation, email="ny-tovholder@example.test")
    responsible = make_user(role=Role.CASEWORKER, organisation=organisation, email="ansvarlig@example.test")
    digest_user = make_user(role=Role.CASEWORKER, organisation=organisation, email="digest@example.test")
    NotificationPreference.objects.create(user=digest_user, mode=NotificationPreference.Mode.DIGEST)
    admin = make_user(email="admin@example.test", is_staff=True, is_superuser=True)
    overdue = timezone.localdate() - timedelta(days=1)
    task_case = make_case(municipality=municipality, cpr="0202902345")
    make_task(task_case, responsible=responsible, due=overdue)
    make_task(task_case, responsible=digest_user, due=overdue)
    case = make_case(municipality=municipality)
    involve(case, coordinator, successor, participant=False)

    redis_server.stop()
    actions = {
        # Celery beat's 15-minute reminder scan: one e-mail task per immediate reminder.
        "reminder scan": lambda: run_scans(),
        # The daily digest: one digest task per user waiting for it.
        "daily digest": lambda: send_daily_digests(),
        # A coordinator assignment and a handover (web pages): the notice to the coordinators.
        "assign coordinator": lambda: assign_coordinator(actor=actor, case=case, person=coordinator),
        "hand over": lambda: hand_over_case(actor=actor, case=case, new_person=successor, reason="Orlov"),
        # Django admin's "send a test reminder".
        "test reminder": lambda: send_test_notification(recipient=admin, actor=admin),
    }
    expected = {
        "reminder scan": ["core.tasks.send_notification_email"],
        "daily digest": ["core.tasks.send_digest_email"],
        "assign coordinator": ["borgerforloeb.tasks.notify_coordinator_change"],
        "hand over": ["borgerforloeb.tasks.notify_coordinator_change"],
        "test reminder": ["core.tasks.send_notification_email"],
    }
    for name, action in actions.items():
        seen = set(OutboxJob.objects.values_list("pk", flat=True))
        start = time.monotonic()
        action()  # succeeds: no exception reaches the user
        assert time.monotonic() - start < 5, name
        new = OutboxJob.objects.exclude(pk__in=seen).order_by("id")
        assert [job.task for job in new] == expected[name], name
        assert all(job.attempts == 1 and job.last_error for job in new), name  # tried at commit, kept
    assert not Notification.objects.filter(kind__in=[K.COORDINATOR_ASSIGNED, K.HANDOVER]).exists()
    assert flush_outbox() == 0  # still down: nothing sent, nothing lost
    assert OutboxJob.objects.count() == 5

    redis_server.start()
    handler = RecordingHandler()
    with SMTPServer(handler) as smtp:
        worker = ProbeWorker(  # the portal's worker; ready when its log says so
            database_name=settings.DATABASES["default"]["NAME"],
            broker_url=redis_server.url,
            extra_env={
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(smtp.port),
                "EMAIL_USE_TLS": "0",
                "EMAIL_TIMEOUT": "5",
            },
        )
        worker.start(timeout=60)
        try:
            assert flush_outbox() == 5
            # The coordinators' notices (made by the worker) and every e-mail, each sent once.
            want = sorted(
                [
                    "ansvarlig@example.test",
                    "digest@example.test",
                    "admin@example.test",
                    "ny-tovholder@example.test",
                    # Handover: the outgoing coordinator. The assignment before it is no news by
                    # the time the worker runs (the same notice as the periodic scan would give).
                    "tovholder@example.test",
                ]
            )
            try:
                handler.wait_for(len(want), timeout=60)
            except TimeoutError:
                pytest.fail(f"e-mails to {sorted(handler.recipients())}, expected {want}; {worker.log.name}")
            assert wait_until(
                lambda: not Notification.objects.filter(email_status__in=[S.QUEUED, S.DIGEST]).exists(),
                timeout=30,
            ), worker.log.name
            time.sleep(1)  # anything sent twice would arrive now
            assert sorted(handler.recipients()) == want, worker.log.name
        finally:
            worker.stop()
    assert set(Notification.objects.filter(kind=K.HANDOVER).values_list("recipient__email", flat=True)) == {
        "tovholder@example.test",
        "ny-tovholder@example.test",
    }
    assert not OutboxJob.objects.exists()
    assert flush_outbox() == 0
