"""Hand-offs pushed to the person who must act: each enqueues, after commit, the task that runs the
matching scan for this one object (``borgerforloeb.reminders``). The periodic scan catches up
whatever a lost task missed; the notification table's unique key makes both send once."""

from __future__ import annotations

from borgerforloeb.models import CitizenMessage, Effort
from borgerforloeb.tasks import notify_citizen_message, notify_referral
from core.queue import enqueue_on_commit


def announce_referral(effort: Effort) -> None:
    """A referral was sent or answered: the receiving organisation, or the sender, is told."""
    if effort.referred_at is not None:
        enqueue_on_commit(notify_referral, effort.pk)


def announce_citizen_message(message: CitizenMessage) -> None:
    """The citizen wrote or did something in Mit forløb: the coordinator is told."""
    enqueue_on_commit(notify_citizen_message, message.pk)
