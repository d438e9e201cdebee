"""The citizen's own copy of their data (GDPR art. 15) for Mit forløb: the same content as the
staff's access-request export (``borgerforloeb.gdpr.citizen_export``), every case of the citizen's
included; the download is a declared read of the page (audit ``export``) and the coordinator is
told on the case's timeline."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from borgerforloeb import gdpr
from borgerforloeb.models import Case, Citizen, CitizenMessage, TimelineEvent
from borgerforloeb.services.events import add_timeline


def citizen_data(citizen: Citizen) -> list[gdpr.Section]:
    """Everything the portal holds about ``citizen``, in the sections of the staff export."""
    return gdpr.citizen_export(citizen)


def citizen_data_json(citizen: Citizen, sections: list[gdpr.Section]) -> str:
    return json.dumps(gdpr.export_as_json(citizen, sections), ensure_ascii=False, indent=2)


def record_citizen_download(*, case: Case | None, fmt: str, how: str = "") -> None:
    """The citizen downloaded their data (``fmt``: "html" or "json"): a message the coordinator
    sees on the case page and an entry in the case's timeline. ``how``: how the citizen signed in."""
    if case is None:
        return
    message = CitizenMessage.objects.create(case=case, kind=CitizenMessage.Kind.DATA_DOWNLOADED, text=fmt)
    add_timeline(
        case=case,
        kind=TimelineEvent.Kind.NOTE,
        actor=None,
        summary=_("Borgeren hentede selv alle sine oplysninger i Mit forløb (%(format)s)")
        % {"format": fmt.upper()}
        + how,
        obj=message,
    )
