"""Two Celery beats started by mistake send nothing twice.

Both fire the reminder scans at the same moment (two threads, two database connections, as two
workers would run the two beats' tasks), then both workers try to deliver every e-mail: each
reminder row exists once per event and person, and each e-mail is sent once.
"""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from core.models import Notification
from core.notifications import deliver_email
from core.tasks import run_scans
from tests.services import RedisServer
from tests.test_reminders_common import make_case, make_task
from tests.test_reminders_scans import people  # noqa: F401 - the fixture

S = Notification.EmailStatus


@pytest.fixture(autouse=True)
def _work_goes_to_a_private_broker(settings):
    """The scans enqueue the e-mails: to a Redis no worker reads (this test delivers them itself)."""
    server = RedisServer()
    server.start()
    settings.CELERY_BROKER_URL = server.url
    yield
    server.stop()


def at_once(function, times=2):
    """Run ``function`` in ``times`` threads released together; their results (errors re-raised)."""
    barrier = threading.Barrier(times)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(function())
        except Exception as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    if errors:
        raise errors[0]
    return results


@pytest.mark.django_db(transaction=True)
def test_two_beats_firing_the_scans_together_send_each_reminder_once(people, municipality):  # noqa: F811
    case = make_case(municipality=municipality, coordinator=people["coordinator"])
    today = timezone.localdate()
    make_task(case, responsible=people["responsible"], due=today - timedelta(days=1))
    make_task(case, responsible=people["responsible"], due=today + timedelta(days=1))

    at_once(run_scans)
    rows = list(Notification.objects.values_list("recipient__email", "kind", "event_key"))
    assert len(rows) == 3  # due soon + overdue (responsible) + overdue copy (coordinator)
    assert len(set(rows)) == len(rows)

    for pk in Notification.objects.values_list("pk", flat=True):
        at_once(lambda pk=pk: deliver_email(pk))
    assert len(mail.outbox) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(email for email, _kind, _key in rows)
    assert set(Notification.objects.values_list("email_status", flat=True)) == {S.SENT}

    # And the next tick of either beat finds nothing new.
    at_once(run_scans)
    assert Notification.objects.count() == 3
    assert len(mail.outbox) == 3
