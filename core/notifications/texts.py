"""What each reminder kind says. Only what is needed to act after logging in.

Context values come from the scans: ``title`` (task/meeting title, CPR-redacted), ``citizen``
(first name or initials, never a surname), ``due`` (a date), ``when`` (a time), ``interpreter``
(booking status text), ``name`` (a person's first name), ``offer`` (an offer's name).
"""

from functools import lru_cache

from django.utils import formats, translation

from core.audit import redact
from core.models import NotificationKind as K


def first_name(full_name: str, email: str) -> str:
    """What a message calls its recipient: the first word of their name, or their e-mail's local part."""
    return (full_name or "").split(" ")[0] or (email or "").split("@")[0]


@lru_cache(maxsize=2048)
def _translated(language: str, msgid: str, context: str = "") -> str:
    with translation.override(language):
        return translation.pgettext(context, msgid) if context else translation.gettext(msgid)


@lru_cache(maxsize=4096)
def _date(language: str, value) -> str:
    with translation.override(language):
        return formats.date_format(value, "SHORT_DATE_FORMAT")


def _subject_body(kind: str, c: dict, _) -> tuple[str, str]:
    """``_`` is gettext for the recipient's language (memoised)."""
    if kind == K.TASK_DUE_SOON:
        return (
            _("Opgave forfalder %(due)s: %(title)s") % c,
            _(
                "Du har handleansvaret for opgaven »%(title)s« i forløbet for %(citizen)s. "
                "Den forfalder %(due)s."
            )
            % c,
        )
    if kind == K.TASK_OVERDUE:
        if c.get("copy"):
            return (
                _("Overskredet opgave i dit forløb: %(title)s") % c,
                _(
                    "Opgaven »%(title)s« i forløbet for %(citizen)s forfaldt %(due)s og er ikke løst. "
                    "%(name)s har handleansvaret; du får besked som tovholder."
                )
                % c,
            )
        return (
            _("Opgave overskredet: %(title)s") % c,
            _("Opgaven »%(title)s« i forløbet for %(citizen)s forfaldt %(due)s og er ikke markeret som løst.")
            % c,
        )
    if kind == K.MEETING_TOMORROW:
        return (
            _("Møde %(due)s kl. %(when)s: %(title)s") % c,
            _(
                "Du deltager i mødet »%(title)s« i forløbet for %(citizen)s %(due)s kl. %(when)s. "
                "Tolk: %(interpreter)s."
            )
            % c,
        )
    if kind == K.COORDINATOR_ASSIGNED:
        return (
            _("Du er blevet tovholder for %(citizen)s") % c,
            _("Du er nu tovholder i forløbet for %(citizen)s fra %(due)s.") % c,
        )
    if kind == K.HANDOVER:
        if c.get("incoming"):
            return (
                _("Tovholderfunktionen for %(citizen)s er overdraget til dig") % c,
                _("Du har overtaget tovholderfunktionen i forløbet for %(citizen)s fra %(name)s (%(due)s).")
                % c,
            )
        return (
            _("Tovholderfunktionen for %(citizen)s er overdraget") % c,
            _("Tovholderfunktionen i forløbet for %(citizen)s er overdraget fra dig til %(name)s (%(due)s).")
            % c,
        )
    if kind == K.PLAN_REVIEW_DUE:
        return (
            _("Handleplanen for %(citizen)s skal revideres senest %(due)s") % c,
            _(
                "Handleplanen i forløbet for %(citizen)s skal revideres senest %(due)s. "
                "Gennemgå den sammen med borgeren."
            )
            % c,
        )
    if kind == K.CASE_INACTIVE:
        return (
            _("Ingen aktivitet i forløbet for %(citizen)s") % c,
            _(
                "Der er ikke sket noget i forløbet for %(citizen)s siden %(since)s. "
                "Tjek om forløbet er gået i stå."
            )
            % c,
        )
    if kind == K.CONSENT_EXPIRING:
        return (
            _("Samtykke udløber %(due)s i forløbet for %(citizen)s") % c,
            _("Et samtykke i forløbet for %(citizen)s udløber %(due)s. Tal med borgeren om at forny det.")
            % c,
        )
    if kind == K.OFFER_UNVERIFIED:
        return (
            _("Bekræft at tilbuddet »%(offer)s« er aktuelt") % c,
            _(
                "Oplysningerne om tilbuddet »%(offer)s« er ikke bekræftet siden %(since)s. "
                "Gennemgå dem og bekræft, at de stadig passer."
            )
            % c,
        )
    if kind == K.FRAMEWORK_REVIEW_DUE:
        return (
            _("Revidér »%(title)s« senest %(due)s") % c,
            _(
                "Du er ejer af »%(title)s« i samarbejdets planer og arbejdsgange. Den skal revideres "
                "senest %(due)s: gennemgå den, og gem en ny version eller en ny revisionsdato."
            )
            % c,
        )
    if kind == K.REFERRAL_NEW:
        return (
            _("Ny henvisning til %(organisation)s: %(title)s") % c,
            _(
                "%(organisation)s har fået en henvisning til »%(title)s«. "
                "Log ind og accepter eller afvis den under »Det skal jeg«."
            )
            % c,
        )
    if kind == K.REFERRAL_ANSWERED:
        if c.get("declined"):
            return (
                _("Henvisningen »%(title)s« er afvist") % c,
                _("%(organisation)s har afvist »%(title)s« for %(citizen)s. Begrundelse: %(reason)s") % c,
            )
        return (
            _("Henvisningen »%(title)s« er accepteret") % c,
            _("%(organisation)s har accepteret henvisningen »%(title)s« for %(citizen)s.") % c,
        )
    if kind == K.CITIZEN_MESSAGE:
        return (
            _("Ny besked fra %(citizen)s i Mit forløb") % c,
            _("%(citizen)s har skrevet i Mit forløb (%(what)s). Log ind og læs beskeden i forløbet.") % c,
        )
    if kind == K.FORUM_ACTION_ASSIGNED:
        return (
            _("Ny opgave fra %(forum)s: %(title)s") % c,
            _("Du har fået handleansvaret for opgaven »%(title)s« fra %(forum)s. Fristen er %(due)s.") % c,
        )
    if kind == K.FORUM_ACTION_OVERDUE:
        return (
            _("Opgave fra forum overskredet: %(title)s") % c,
            _("Opgaven »%(title)s« fra %(forum)s forfaldt %(due)s og er ikke markeret som udført.") % c,
        )
    if kind == K.INTERPRETER_NOT_BOOKED:
        return (
            _("Tolk ikke bestilt til mødet %(when)s: %(title)s") % c,
            _(
                "Mødet »%(title)s« i forløbet for %(citizen)s er %(when)s og har brug for tolk "
                "(%(language)s), men tolken er ikke bestilt. Bestil tolken senest %(due)s."
            )
            % c,
        )
    if kind == K.EMAIL_UNDELIVERABLE:
        return (
            _("En påmindelse til %(name)s kunne ikke e-mailes") % c,
            _(
                "%(name)s har ingen e-mailadresse og har kun fået påmindelsen »%(original)s« i portalen. "
                "Sørg for at de får besked."
            )
            % c,
        )
    if kind == K.ACCESS_QUESTION:
        return (
            _("%(citizen)s spørger om en adgang til sit forløb") % c,
            _(
                "%(citizen)s har i Mit forløb spurgt om en adgang til sit forløb (%(when)s). "
                "Læs spørgsmålet på forløbets side og svar borgeren."
            )
            % c,
        )
    return (
        _("Test-påmindelse fra Samarbejdsportalen"),
        _("Dette er en test. Når du kan læse den, virker påmindelser til dig."),
    )


class _Blank(dict):
    def __missing__(self, key):
        return ""


def _display(value, language: str):
    if hasattr(value, "year"):
        return _date(language, value)
    if isinstance(value, str):
        return redact(value)
    return value


def render(kind: str, context: dict, language: str | None = None) -> tuple[str, str]:
    """Subject and body in ``language`` (default: the active one), every value CPR-redacted."""
    language = language or translation.get_language() or "da"

    def _(msgid):
        return _translated(language, msgid)

    c = _Blank({key: _display(value, language) for key, value in context.items()})
    if not c.get("citizen"):
        c["citizen"] = _("borgeren")
    subject, body = _subject_body(kind, c, _)
    return subject[:200], body
