"""The meeting invitation as an iCalendar file (``.ics``).

Never contains the CPR number or the citizen's surname: the summary names the citizen by first
(or preferred) name only, and free text (place, agenda) is redacted for CPR numbers and the
citizen's other names.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from core import audit

DEFAULT_LENGTH = timedelta(hours=1)


def citizen_first_name(citizen) -> str:
    names = (citizen.preferred_name or citizen.full_name or "").split()
    return names[0] if names else ""


def scrub(text: str, citizen) -> str:
    """Redact CPR numbers and every name of the citizen except the first/preferred name."""
    text = audit.redact(text or "")
    keep = citizen_first_name(citizen).lower()
    for name in set((citizen.full_name or "").split() + (citizen.preferred_name or "").split()):
        if len(name) > 1 and name.lower() != keep:
            text = re.sub(rf"\b{re.escape(name)}\b", "…", text, flags=re.IGNORECASE)
    return text


def meeting_ics(meeting) -> bytes:
    citizen = meeting.case.citizen
    cal = Calendar()
    cal.add("prodid", "-//Samarbejdsportalen//DA")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@samarbejdsportalen")
    event.add("dtstamp", timezone.now())
    start = timezone.localtime(meeting.starts_at)
    event.add("dtstart", start)
    event.add("dtend", timezone.localtime(meeting.ends_at) if meeting.ends_at else start + DEFAULT_LENGTH)
    title = scrub(meeting.title, citizen) or _("Møde")
    event.add("summary", f"{title} – {citizen_first_name(citizen)}".strip(" –"))
    if meeting.place:
        event.add("location", scrub(meeting.place, citizen))
    lines = []
    if meeting.agenda:
        lines += [_("Dagsorden:"), scrub(meeting.agenda, citizen)]
    if meeting.interpreter_needed:
        interpreter = _("Tolk: %(language)s") % {"language": meeting.interpreter_language or "?"}
        if meeting.interpreter_booked:
            interpreter += " – " + _("bestilt")
        lines.append(interpreter)
    lines.append(settings.SITE_URL.rstrip("/") + meeting.case.get_absolute_url())
    event.add("description", "\n".join(lines))
    for person in meeting.participants.all():
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(person.full_name or person.email)
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()
