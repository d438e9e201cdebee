"""The offer directory, shaped after Open Referral's HSDS 3.0 (an offer is an HSDS service).

Search: ``search_document`` is a denormalised plain text of the things people search for that live
in other tables (organisation, categories, target groups, languages, municipalities). The ``*_ids``
arrays hold the ids of the offer's municipalities, categories (with their main categories), target
groups and languages, and ``organisation_kind`` its organisation's kind, so the directory filters
and counts facets without joins per offer. All of them are computed in SQL by
``tilbud.search.refresh_offers`` (one statement for any number of offers), the one place that
maintains them: signals, services, the admin and bulk loaders all call it. PostgreSQL keeps
``search_vector`` (a stored generated column, Danish configuration, weighted) up to date from the
document, and GIN indexes serve full-text search and the arrays; ``SearchWord`` (trigram-indexed)
serves typo tolerance. Nothing is computed per request in Python.
"""

import datetime
import uuid
import zoneinfo

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStamped, optional_link
from samarbejde.models import Municipality, Organisation
from tilbud.search import MAX_WORD_LENGTH, refresh_offers

LOCAL_TZ = zoneinfo.ZoneInfo("Europe/Copenhagen")
STALE_AFTER_DAYS = 180


class Taxonomy(models.Model):
    """A vocabulary of categories (HSDS: taxonomy)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("navn"), max_length=200, unique=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    uri = models.URLField(_("URI"), blank=True)
    version = models.CharField(_("version"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("taksonomi")
        verbose_name_plural = _("taksonomier")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TaxonomyTermQuerySet(models.QuerySet):
    def roots(self):
        return self.filter(parent__isnull=True)


class TaxonomyTerm(models.Model):
    """A category; two levels: a main category (no parent) and its sub-categories."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.ForeignKey(
        Taxonomy, verbose_name=_("taksonomi"), on_delete=models.PROTECT, related_name="terms"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("overkategori"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.SlugField(_("kode"), max_length=100, unique=True)
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)

    objects = TaxonomyTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("kategori")
        verbose_name_plural = _("kategorier")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="tilbud_taxonomyterm_not_own_parent"),
        ]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("Kategorier har kun to niveauer.")})


class TargetGroup(models.Model):
    """Who an offer is for (målgruppe)."""

    code = models.SlugField(_("kode"), max_length=50, unique=True)
    name = models.CharField(_("navn"), max_length=100)

    class Meta:
        verbose_name = _("målgruppe")
        verbose_name_plural = _("målgrupper")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Language(models.Model):
    """A language spoken at an offer (ISO 639-1 code: da, kl, en, …)."""

    code = models.CharField(_("sprogkode"), max_length=10, unique=True)
    name = models.CharField(_("navn"), max_length=100)

    class Meta:
        verbose_name = _("sprog")
        verbose_name_plural = _("sprog")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OfferQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one visibility rule: internal offers are for logged-in users only."""
        if getattr(user, "is_authenticated", False) and user.is_active:
            return self
        return self.filter(internal=False)

    def listed(self):
        """Offers shown in the directory: active or temporarily closed."""
        return self.filter(status__in=[Offer.Status.ACTIVE, Offer.Status.TEMPORARILY_CLOSED])

    def editable_by(self, user):
        """Offers of the organisations the user is a member of (superusers: all)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(organisation__memberships__user=user).distinct()

    def needing_verification(self, days=STALE_AFTER_DAYS, *, today=None):
        """Offers in use whose record no person has confirmed for ``days`` days.

        The hook for the reminder system: remind the organisation's members of these offers.
        """
        today = today or timezone.localdate()
        cutoff = today - datetime.timedelta(days=days)
        return self.exclude(status=Offer.Status.DEFUNCT).filter(
            Q(assured_date__isnull=True) | Q(assured_date__lte=cutoff)
        )

    def open_at(self, moment):
        return self.filter(open_condition(moment))

    def open_now(self):
        return self.open_at(timezone.now())


# The offers open at a moment: regular hours that started today (unless today has exceptions) or
# yesterday and run past midnight (unless yesterday had exceptions), and the special hours of
# today's or yesterday's exceptions the same way. ``closes_at <= opens_at`` runs past midnight.
_OPEN_SQL = """
SELECT s.offer_id FROM tilbud_schedule s
WHERE s.weekday = %s AND s.opens_at <= %s AND (s.closes_at > %s OR s.closes_at <= s.opens_at)
    AND s.offer_id NOT IN (SELECT e.offer_id FROM tilbud_scheduleexception e WHERE e.date = %s)
UNION ALL
SELECT e.offer_id FROM tilbud_scheduleexception e
WHERE e.date = %s AND NOT e.closed AND e.opens_at <= %s AND (e.closes_at > %s OR e.closes_at <= e.opens_at)
UNION ALL
SELECT s.offer_id FROM tilbud_schedule s
WHERE s.weekday = %s AND s.closes_at <= s.opens_at AND s.closes_at > %s
    AND s.offer_id NOT IN (SELECT e.offer_id FROM tilbud_scheduleexception e WHERE e.date = %s)
UNION ALL
SELECT e.offer_id FROM tilbud_scheduleexception e
WHERE e.date = %s AND NOT e.closed AND e.closes_at <= e.opens_at AND e.closes_at > %s
"""


def open_condition(moment):
    """A Q that is true for offers open at ``moment`` (aware datetime), in Danish wall-clock time.

    Opening hours are wall-clock times in Europe/Copenhagen; ``closes_at <= opens_at`` means the
    interval runs past midnight (00:00–00:00 is all day). An exception for a date replaces the
    regular hours that start on that date. One set of offer ids (a hashed semi-join: one pass over
    the small schedule tables), written as SQL because it is part of every directory query.
    """
    local = timezone.localtime(moment, LOCAL_TZ)
    today, time = local.date(), local.time().replace(tzinfo=None)
    yesterday = today - datetime.timedelta(days=1)
    params = [
        *(today.weekday(), time, time, today),  # regular hours starting today
        *(today, time, time),  # today's special hours
        *(yesterday.weekday(), time, yesterday),  # regular hours from yesterday past midnight
        *(yesterday, time),  # yesterday's special hours past midnight
    ]
    return Q(pk__in=RawSQL(_OPEN_SQL, params))  # noqa: S611 - constant SQL, values as parameters


def days_since(assured_date, today=None):
    if assured_date is None:
        return None
    return ((today or timezone.localdate()) - assured_date).days


def is_stale(assured_date):
    """No person has confirmed the record for STALE_AFTER_DAYS days (or ever)."""
    days = days_since(assured_date)
    return days is None or days >= STALE_AFTER_DAYS


def _intervals_on(day, schedules, exceptions):
    """Wall-clock intervals (start, end) as naive datetimes that start on ``day``."""
    today = [e for e in exceptions if e.date == day]
    if today:
        rules = [(e.opens_at, e.closes_at) for e in today if not e.closed and e.opens_at]
    else:
        rules = [(s.opens_at, s.closes_at) for s in schedules if s.weekday == day.weekday()]
    intervals = []
    for opens, closes in rules:
        start = datetime.datetime.combine(day, opens)
        end = datetime.datetime.combine(day, closes)
        if closes <= opens:
            end += datetime.timedelta(days=1)
        intervals.append((start, end))
    return sorted(intervals)


def opening_state(moment, schedules, exceptions):
    """(is_open, next_change) of an offer with these weekly hours and exceptions (objects with
    ``weekday``/``date``, ``closed``, ``opens_at``, ``closes_at``) at ``moment`` (default: now)."""
    local = timezone.localtime(moment or timezone.now(), LOCAL_TZ).replace(tzinfo=None)
    day = local.date()
    schedules, exceptions = list(schedules), list(exceptions)
    for offset in (-1, 0):
        for start, end in _intervals_on(day + datetime.timedelta(days=offset), schedules, exceptions):
            if start <= local < end:
                return True, end
    for offset in range(0, 8):
        for start, _end in _intervals_on(day + datetime.timedelta(days=offset), schedules, exceptions):
            if start > local:
                return False, start
    return False, None


class Offer(TimeStamped):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktivt")
        TEMPORARILY_CLOSED = "temporarily_closed", _("Midlertidigt lukket")
        INACTIVE = "inactive", _("Inaktivt")
        DEFUNCT = "defunct", _("Nedlagt")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="offers"
    )
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("kommuner"), related_name="offers", blank=True
    )
    categories = models.ManyToManyField(
        TaxonomyTerm, verbose_name=_("kategorier"), related_name="offers", blank=True
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("målgrupper"), related_name="offers", blank=True
    )
    languages = models.ManyToManyField(Language, verbose_name=_("sprog"), related_name="offers", blank=True)
    url = models.URLField(_("hjemmeside"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    eligibility_description = models.TextField(_("hvem kan bruge tilbuddet"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimumsalder"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maksimumsalder"), null=True, blank=True)
    application_process = models.TextField(_("sådan kommer man i gang"), blank=True)
    fees_description = models.TextField(_("pris"), blank=True)
    free = models.BooleanField(_("gratis"), default=True)
    walk_in = models.BooleanField(
        _("kom uden aftale"), default=False, help_text=_("Man kan møde op uden aftale eller henvisning.")
    )
    referral_required = models.BooleanField(
        _("kræver henvisning"), default=False, help_text=_("F.eks. visitation fra kommunen.")
    )
    anonymous_allowed = models.BooleanField(_("anonymt"), default=False)
    greenlandic_speaking_staff = models.BooleanField(_("grønlandsktalende personale"), default=False)
    interpreter_available = models.BooleanField(_("tolk kan bestilles"), default=False)
    accessibility = models.TextField(_("tilgængelighed"), blank=True)
    required_documents = models.TextField(_("dokumenter man skal have med"), blank=True)
    capacity_available = models.PositiveIntegerField(_("ledige pladser"), null=True, blank=True)
    capacity_maximum = models.PositiveIntegerField(_("pladser i alt"), null=True, blank=True)
    capacity_unit = models.CharField(_("pladsenhed"), max_length=50, blank=True, help_text=_("F.eks. senge"))
    capacity_updated_at = models.DateTimeField(_("pladser opdateret"), null=True, blank=True)
    capacity_updated_by = optional_link(settings.AUTH_USER_MODEL, _("pladser opdateret af"))
    internal = models.BooleanField(
        _("internt"), default=False, help_text=_("Kun synligt for brugere, der er logget ind.")
    )
    assured_date = models.DateField(_("sidst bekræftet"), null=True, blank=True)
    assured_by = optional_link(settings.AUTH_USER_MODEL, _("bekræftet af"))
    search_document = models.TextField(editable=False, blank=True, default="")
    # Denormalised for filters and facet counts (see the module docstring); ids sorted ascending.
    organisation_kind = models.CharField(max_length=20, editable=False, blank=True, default="")
    municipality_ids = ArrayField(models.BigIntegerField(), editable=False, blank=True, default=list)
    category_ids = ArrayField(models.UUIDField(), editable=False, blank=True, default=list)
    target_group_ids = ArrayField(models.BigIntegerField(), editable=False, blank=True, default=list)
    language_ids = ArrayField(models.BigIntegerField(), editable=False, blank=True, default=list)
    # For ranking names that start with the search text (no UPPER per offer per search).
    name_upper = models.GeneratedField(
        expression=Upper("name"), output_field=models.TextField(), db_persist=True
    )
    search_vector = models.GeneratedField(
        expression=SearchVector("name", weight="A", config="danish")
        + SearchVector("search_document", weight="B", config="danish")
        + SearchVector("description", weight="C", config="danish"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("tilbud")
        verbose_name_plural = _("tilbud")
        ordering = ["name"]
        indexes = [
            # fastupdate off: no pending list to scan linearly between vacuums (writes are rare).
            GinIndex(fields=["search_vector"], name="tilbud_offer_search_gin", fastupdate=False),
            GinIndex(fields=["municipality_ids"], name="tilbud_offer_munis_gin", fastupdate=False),
            GinIndex(fields=["category_ids"], name="tilbud_offer_categories_gin", fastupdate=False),
            GinIndex(fields=["target_group_ids"], name="tilbud_offer_groups_gin", fastupdate=False),
            GinIndex(fields=["language_ids"], name="tilbud_offer_languages_gin", fastupdate=False),
            models.Index(fields=["assured_date"], name="tilbud_offer_assured_idx"),
            models.Index(fields=["name", "id"], name="tilbud_offer_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=F("maximum_age")),
                name="tilbud_offer_age_range",
            ),
            models.CheckConstraint(
                condition=Q(capacity_available__isnull=True)
                | Q(capacity_maximum__isnull=True)
                | Q(capacity_available__lte=F("capacity_maximum")),
                name="tilbud_offer_capacity_range",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("tilbud:offer_detail", kwargs={"pk": self.pk})

    # --- search ---------------------------------------------------------------------------------
    def refresh_search_document(self):
        """Recompute this offer's search document and facet ids (see ``tilbud.search.refresh_offers``)."""
        for field, value in refresh_offers([self.pk]).get(self.pk, {}).items():
            setattr(self, field, value)

    # --- freshness ------------------------------------------------------------------------------
    def days_since_assured(self, today=None):
        return days_since(self.assured_date, today)

    @property
    def is_stale(self):
        return is_stale(self.assured_date)

    # --- opening hours (for one offer, from prefetched rows) -----------------------------------
    def opening_state(self, moment=None, *, schedules=None, exceptions=None):
        """(is_open, next_change) at ``moment``: closes at, or opens at (local naive datetime).

        ``schedules`` and ``exceptions``: this offer's rows when already read (else its own).
        """
        if schedules is None:
            schedules, exceptions = self.schedules.all(), self.schedule_exceptions.all()
        return opening_state(moment, schedules, exceptions)

    def is_open_at(self, moment):
        return self.opening_state(moment)[0]

    @property
    def weekly_hours(self):
        """[(weekday label, [(opens, closes), …]), …] Monday first."""
        days = []
        for number, label in Schedule.Weekday.choices:
            days.append(
                (label, [(s.opens_at, s.closes_at) for s in self.schedules.all() if s.weekday == number])
            )
        return days

    @property
    def primary_location(self):
        locations = list(self.locations.all())
        return locations[0] if locations else None

    CAPACITY_FIELDS = ("capacity_available", "capacity_maximum")

    def stamp_capacity(self, actor, before: tuple | None) -> bool:
        """Every path that changes capacity calls this before saving: when the places differ from
        ``before`` (their values when loaded; ``None`` for a new offer), record when and by whom."""
        if self.capacity_values() == (before or (None, None)):
            return False
        self.capacity_updated_at = timezone.now()
        self.capacity_updated_by = actor if getattr(actor, "is_authenticated", False) else None
        return True

    def capacity_values(self) -> tuple:
        return tuple(getattr(self, name) for name in self.CAPACITY_FIELDS)

    @property
    def capacity_percent(self):
        if self.capacity_available is None or not self.capacity_maximum:
            return None
        return round(100 * self.capacity_available / self.capacity_maximum)


class SearchWord(models.Model):
    """Every word of every offer, for typo-tolerant search (trigram similarity on single words)."""

    word = models.CharField(max_length=MAX_WORD_LENGTH, unique=True)

    class Meta:
        indexes = [
            GinIndex(OpClass("word", name="gin_trgm_ops"), name="tilbud_searchword_trgm", fastupdate=False)
        ]

    def __str__(self):
        return self.word


class Location(models.Model):
    """Where an offer takes place (HSDS: location + service_at_location)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    offer = models.ForeignKey(
        Offer, verbose_name=_("tilbud"), on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(_("navn"), max_length=200, blank=True)
    address = models.CharField(_("adresse"), max_length=200)
    postal_code = models.CharField(
        _("postnummer"),
        max_length=4,
        validators=[RegexValidator(r"^[0-9]{4}$", _("Postnummeret skal være fire cifre."))],
    )
    city = models.CharField(_("by"), max_length=100)
    latitude = models.DecimalField(_("breddegrad"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("længdegrad"), max_digits=9, decimal_places=6, null=True, blank=True)
    transportation = models.CharField(_("transport"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("adresse")
        verbose_name_plural = _("adresser")
        ordering = ["name", "address"]
        constraints = [
            models.CheckConstraint(
                condition=Q(postal_code__regex=r"^[0-9]{4}$"), name="tilbud_location_postal_code"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="tilbud_location_coordinates",
            ),
        ]

    def __str__(self):
        return f"{self.address}, {self.postal_code} {self.city}"

    @property
    def map_url(self):
        from urllib.parse import quote, urlencode

        if self.latitude is not None and self.longitude is not None:
            return (
                f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
                f"#map=17/{self.latitude}/{self.longitude}"
            )
        return "https://www.openstreetmap.org/search?" + urlencode({"query": str(self)}, quote_via=quote)


class Phone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    offer = models.ForeignKey(
        Offer, verbose_name=_("tilbud"), on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(_("nummer"), max_length=40)
    description = models.CharField(_("beskrivelse"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("telefon")
        verbose_name_plural = _("telefoner")
        ordering = ["number"]

    def __str__(self):
        return self.number


class Contact(models.Model):
    """A named contact person for an offer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    offer = models.ForeignKey(
        Offer, verbose_name=_("tilbud"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("navn"), max_length=200)
    title = models.CharField(_("titel"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("kontaktperson")
        verbose_name_plural = _("kontaktpersoner")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Schedule(models.Model):
    """Regular weekly opening hours in Danish wall-clock time.

    ``closes_at`` at or before ``opens_at`` means the hours run past midnight; 00:00–00:00 is
    open all day.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Mandag")
        TUESDAY = 1, _("Tirsdag")
        WEDNESDAY = 2, _("Onsdag")
        THURSDAY = 3, _("Torsdag")
        FRIDAY = 4, _("Fredag")
        SATURDAY = 5, _("Lørdag")
        SUNDAY = 6, _("Søndag")

    HSDS_BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    offer = models.ForeignKey(
        Offer, verbose_name=_("tilbud"), on_delete=models.CASCADE, related_name="schedules"
    )
    weekday = models.PositiveSmallIntegerField(_("ugedag"), choices=Weekday.choices)
    opens_at = models.TimeField(_("åbner"))
    closes_at = models.TimeField(_("lukker"), help_text=_("00:00 betyder midnat."))

    class Meta:
        verbose_name = _("åbningstid")
        verbose_name_plural = _("åbningstider")
        ordering = ["weekday", "opens_at"]
        indexes = [models.Index(fields=["offer", "weekday"], name="tilbud_schedule_day_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="tilbud_schedule_weekday"
            ),
            models.UniqueConstraint(fields=["offer", "weekday", "opens_at"], name="tilbud_schedule_unique"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ScheduleException(models.Model):
    """A holiday or closure (or special hours) on one date, replacing that day's regular hours."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    offer = models.ForeignKey(
        Offer, verbose_name=_("tilbud"), on_delete=models.CASCADE, related_name="schedule_exceptions"
    )
    date = models.DateField(_("dato"))
    closed = models.BooleanField(_("lukket hele dagen"), default=True)
    opens_at = models.TimeField(_("åbner"), null=True, blank=True)
    closes_at = models.TimeField(_("lukker"), null=True, blank=True)
    description = models.CharField(_("beskrivelse"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("undtagelse fra åbningstid")
        verbose_name_plural = _("undtagelser fra åbningstider")
        ordering = ["date", "opens_at"]
        indexes = [models.Index(fields=["offer", "date"], name="tilbud_schedexc_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed=True, opens_at__isnull=True, closes_at__isnull=True)
                | Q(closed=False, opens_at__isnull=False, closes_at__isnull=False),
                name="tilbud_scheduleexception_hours_when_open",
            ),
        ]

    def __str__(self):
        return f"{self.date:%d.%m.%Y}"
