"""Delivery of reminders: once per (event, recipient, due date), preferences, digest, SMTP failures,
no e-mail address, the in-app list, the unread badge and the admin log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.models import Notification, NotificationKind, NotificationPreference
from core.notifications import Candidate, deliver_digest, deliver_email, notify
from core.roles import Role
from tests.test_reminders_common import RecordingHandler, SMTPServer, use_smtp

K = NotificationKind
S = Notification.EmailStatus
pytestmark = pytest.mark.django_db


def cand(user, *, key="task:1", kind=K.TASK_DUE_SOON, due=None, coordinator=None, **context):
    return Candidate(
        recipient_id=user.pk,
        kind=kind,
        event_key=key,
        due_date=due or timezone.localdate(),
        url="/forloeb/",
        context={
            "title": "Ring til boligkontoret",
            "citizen": "Aviaja",
            "due": due or timezone.localdate(),
            **context,
        },
        coordinator_id=coordinator.pk if coordinator else None,
    )


def send_all(django_capture_on_commit_callbacks, candidates):
    """Create, then run what would be enqueued (the e-mail tasks) in-process."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        created = notify(candidates)
    for pk in Notification.objects.filter(pk__in=created, email_status=S.QUEUED).values_list("pk", flat=True):
        deliver_email(pk)
    return created, callbacks


def test_notify_creates_once_and_enqueues_after_commit(make_user, django_capture_on_commit_callbacks):
    alice = make_user()
    with django_capture_on_commit_callbacks() as callbacks:
        first = notify([cand(alice)])
    assert len(first) == 1 and len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        again = notify([cand(alice), cand(alice)])
    assert again == [] and callbacks == []
    row = Notification.objects.get()
    assert row.recipient == alice and row.email_status == S.QUEUED and row.email_enqueued_at
    assert "Ring til boligkontoret" in row.subject


def test_new_due_date_is_a_new_reminder(make_user, django_capture_on_commit_callbacks):
    alice = make_user()
    today = timezone.localdate()
    notify([cand(alice, due=today)])
    notify([cand(alice, due=today + timedelta(days=1))])
    assert Notification.objects.count() == 2


def test_deliver_email_sends_once_and_marks_sent(make_user, django_capture_on_commit_callbacks):
    alice = make_user()
    [pk] = notify([cand(alice)])
    assert deliver_email(pk) == S.SENT
    assert deliver_email(pk) == S.SENT  # a retried or duplicated task sends nothing more
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [alice.email]
    assert "Ring til boligkontoret" in message.subject
    assert "http://" in message.body and "/forloeb/" in message.body
    row = Notification.objects.get(pk=pk)
    assert row.email_status == S.SENT and row.email_sent_at and row.email_attempts == 1


def test_muted_kind_is_not_created(make_user):
    alice = make_user()
    NotificationPreference.objects.create(user=alice, muted_kinds=[K.TASK_DUE_SOON])
    assert notify([cand(alice)]) == []
    assert notify([cand(alice, kind=K.MEETING_TOMORROW, key="meeting:1")])


def test_coordinator_cannot_mute_overdue_for_their_cases(make_user):
    coordinator = make_user(role=Role.COORDINATOR)
    responsible = make_user()
    NotificationPreference.objects.create(user=coordinator, muted_kinds=[K.TASK_OVERDUE])
    NotificationPreference.objects.create(user=responsible, muted_kinds=[K.TASK_OVERDUE])
    created = notify(
        [
            cand(coordinator, kind=K.TASK_OVERDUE, coordinator=coordinator, copy=True),
            cand(responsible, kind=K.TASK_OVERDUE, coordinator=coordinator),
        ]
    )
    # The coordinator's copy ignores the mute; the responsible (not the coordinator) may mute.
    assert list(Notification.objects.filter(pk__in=created).values_list("recipient_id", flat=True)) == [
        coordinator.pk
    ]


def test_preferences_form_refuses_coordinator_muting_overdue(client, make_user):
    coordinator = make_user(role=Role.COORDINATOR)
    client.force_login(coordinator)
    url = reverse("notifications:preferences")
    response = client.post(url, {"mode": "digest", "muted_kinds": [K.TASK_OVERDUE, K.CASE_INACTIVE]})
    assert response.status_code == 200
    assert "Som tovholder kan du ikke fravælge" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=coordinator).exists()

    volunteer = make_user(role=Role.VOLUNTEER)
    client.force_login(volunteer)
    response = client.post(url, {"mode": "digest", "muted_kinds": [K.TASK_OVERDUE]})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=volunteer)
    assert preference.mode == "digest" and preference.muted_kinds == [K.TASK_OVERDUE]


def test_user_without_email_gets_in_app_and_coordinator_is_told(
    make_user, django_capture_on_commit_callbacks
):
    coordinator = make_user(role=Role.COORDINATOR)
    volunteer = make_user(full_name="Pipaluk Olsen")
    type(volunteer).objects.filter(pk=volunteer.pk).update(email="")
    created, _callbacks = send_all(
        django_capture_on_commit_callbacks, [cand(volunteer, coordinator=coordinator)]
    )
    rows = {n.recipient_id: n for n in Notification.objects.filter(pk__in=created)}
    assert set(rows) == {volunteer.pk, coordinator.pk}
    assert rows[volunteer.pk].email_status == S.NOT_APPLICABLE
    assert rows[coordinator.pk].kind == K.EMAIL_UNDELIVERABLE
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "Pipaluk" in mail.outbox[0].subject and "Olsen" not in mail.outbox[0].body
    # Scanning again tells nobody anything new.
    assert notify([cand(volunteer, coordinator=coordinator)]) == []


def test_digest_groups_into_one_email(make_user):
    alice = make_user()
    bob = make_user()
    NotificationPreference.objects.create(user=alice, mode=NotificationPreference.Mode.DIGEST)
    notify([cand(alice, key=f"task:{i}", title=f"Opgave {i}") for i in range(3)] + [cand(bob)])
    assert set(Notification.objects.filter(recipient=alice).values_list("email_status", flat=True)) == {
        S.DIGEST
    }
    assert deliver_digest(alice.pk) == 3
    assert deliver_digest(alice.pk) == 0  # sent already: nothing twice
    [message] = mail.outbox
    assert message.to == [alice.email] and "3 påmindelser" in message.subject
    for i in range(3):
        assert f"Opgave {i}" in message.body
    assert set(Notification.objects.filter(recipient=alice).values_list("email_status", flat=True)) == {
        S.SENT
    }


def test_daily_digest_task_sends_one_email_per_user(
    make_user, eager_celery, django_capture_on_commit_callbacks
):
    from core.tasks import send_daily_digests

    alice, bob, carol = make_user(), make_user(), make_user()
    for user in (alice, bob):
        NotificationPreference.objects.create(user=user, mode=NotificationPreference.Mode.DIGEST)
        notify([cand(user, key="task:1"), cand(user, key="task:2")])
    notify([cand(carol, key="task:3")])  # immediate: not part of any digest
    with django_capture_on_commit_callbacks(execute=True):  # the digest tasks it enqueued run here
        assert send_daily_digests.apply().get() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])
    assert send_daily_digests.apply().get() == 0
    assert len(mail.outbox) == 2


def test_smtp_refusal_marks_failed_and_others_still_get_theirs(settings, make_user):
    alice, bob, carol = make_user(), make_user(), make_user()
    handler = RecordingHandler(refuse=[bob.email])
    with SMTPServer(handler) as server:
        use_smtp(settings, server.port)
        ids = notify([cand(u) for u in (alice, bob, carol)])
        by_user = dict(Notification.objects.filter(pk__in=ids).values_list("recipient_id", "pk"))
        results = {}
        for user in (alice, bob, carol):
            try:
                results[user] = deliver_email(by_user[user.pk])
            except Exception as exc:  # what the Celery task retries on
                results[user] = exc
    import smtplib

    assert isinstance(results[bob], smtplib.SMTPRecipientsRefused)
    assert results[alice] == results[carol] == S.SENT
    assert sorted(handler.recipients()) == sorted([alice.email, carol.email])
    failed = Notification.objects.get(pk=by_user[bob.pk])
    assert failed.email_status == S.FAILED and failed.email_attempts == 1 and "550" in failed.last_error

    # The retry (the server accepts now) sends it once.
    handler.refuse.clear()
    with SMTPServer(handler) as server:
        use_smtp(settings, server.port)
        assert deliver_email(failed.pk) == S.SENT
        assert deliver_email(failed.pk) == S.SENT
    assert handler.recipients().count(bob.email) == 1
    failed.refresh_from_db()
    assert failed.email_attempts == 2 and failed.last_error == ""


def test_email_task_retries_smtp_errors_with_backoff():
    import smtplib

    from core.tasks import send_notification_email

    assert send_notification_email.acks_late is True
    assert smtplib.SMTPException in send_notification_email.autoretry_for
    assert send_notification_email.retry_backoff and send_notification_email.max_retries >= 3


def test_requeue_stale_enqueues_old_queued_rows_only(make_user, django_capture_on_commit_callbacks):
    from core.notifications import requeue_stale

    alice = make_user()
    old, new = notify([cand(alice, key="task:1"), cand(alice, key="task:2")])
    Notification.objects.filter(pk=old).update(email_enqueued_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks() as callbacks:
        assert requeue_stale(older_than=timedelta(minutes=10)) == [old]
    assert len(callbacks) == 1
    deliver_email(old)
    assert requeue_stale(older_than=timedelta(minutes=10)) == []


def test_notification_list_mark_read_and_badge(client, make_user):
    alice, bob = make_user(), make_user()
    notify([cand(alice, key=f"task:{i}", title=f"Opgave {i}") for i in range(3)])
    notify([cand(bob, key="task:9", title="Bobs opgave")])
    client.force_login(alice)
    response = client.get(reverse("notifications:list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Opgave 2" in body and "Bobs opgave" not in body
    assert 'text-bg-warning">3<' in body

    mine = Notification.objects.filter(recipient=alice).first()
    response = client.post(reverse("notifications:read", args=[mine.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/forloeb/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert 'text-bg-warning">2<' in client.get(reverse("notifications:list")).content.decode()

    others = Notification.objects.get(recipient=bob)
    assert client.post(reverse("notifications:read", args=[others.pk])).status_code == 404
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=bob, read_at__isnull=True).exists()


def test_notification_list_constant_queries(client, make_user, django_assert_num_queries):
    alice = make_user()
    client.force_login(alice)
    notify([cand(alice, key="task:0")])
    # user, count for the pager, the page, the unread badge (the session is read from Redis)
    with django_assert_num_queries(4):
        client.get(reverse("notifications:list"))
    notify([cand(alice, key=f"task:{i}") for i in range(1, 60)])
    with django_assert_num_queries(4):
        assert "task" not in client.get(reverse("notifications:list", query={"side": 2})).content.decode()


def test_admin_log_and_send_test_reminder(client, make_user, django_capture_on_commit_callbacks):
    admin = make_user(is_staff=True, is_superuser=True)
    alice = make_user()
    notify([cand(alice)])
    client.force_login(admin)
    changelist = reverse("admin:core_notification_changelist")
    response = client.get(changelist, {"email_status__exact": "queued"})
    assert response.status_code == 200 and "Ring til boligkontoret" in response.content.decode()
    assert "Send test-påmindelse" in response.content.decode()
    assert client.get(changelist, {"laest": "ja"}).status_code == 200

    url = reverse("admin:core_notification_send_test")
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"recipient": alice.pk})
    assert response.status_code == 302
    test_row = Notification.objects.get(kind=K.TEST)
    assert test_row.recipient == alice and test_row.email_status == S.QUEUED and len(callbacks) == 1
    deliver_email(test_row.pk)
    assert mail.outbox[-1].to == [alice.email]

    outsider = make_user(is_staff=True)
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def test_default_schedules_are_editable_beat_rows():
    from django_celery_beat.models import PeriodicTask

    scan = PeriodicTask.objects.get(task="core.tasks.run_reminder_scans")
    assert scan.enabled and scan.interval.every == 15 and scan.interval.period == "minutes"
    digest = PeriodicTask.objects.get(task="core.tasks.send_daily_digests")
    assert (digest.crontab.hour, digest.crontab.minute) == ("7", "0")
    assert str(digest.crontab.timezone) == "Europe/Copenhagen"
    from config.celery import app

    app.loader.import_default_modules()
    assert {"core.tasks.run_reminder_scans", "core.tasks.send_daily_digests"} <= set(app.tasks)
