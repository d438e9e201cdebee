"""The offer directory, shaped after Open Referral's HSDS 3.0 (an offer is an HSDS service).

Search: ``search_document`` is a denormalised plain text of the things people search for that live
in other tables (organisation, categories, target groups); it is refreshed on write by
``Offer.refresh_search_document`` (called from signals). PostgreSQL keeps ``search_vector`` (a
stored generated column, Danish configuration, weighted) up to date from it, and GIN indexes serve
full-text search; ``SearchWord`` (trigram-indexed) serves typo tolerance. Nothing is computed
per request in Python.
"""

import datetime
import uuid
import zoneinfo

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samarbejde.models import Municipality, Organisation

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


def _crosses_midnight():
    return Q(closes_at__lte=F("opens_at"))


def open_condition(moment):
    """A Q that is true for offers open at ``moment`` (aware datetime), in Danish wall-clock time.

    Opening hours are wall-clock times in Europe/Copenhagen; ``closes_at <= opens_at`` means the
    interval runs past midnight (00:00–00:00 is all day). An exception for a date replaces the
    regular hours that start on that date.
    """
    local = timezone.localtime(moment, LOCAL_TZ)
    today, now_time = local.date(), local.time().replace(tzinfo=None)
    yesterday = today - datetime.timedelta(days=1)
    weekday, yesterday_weekday = today.weekday(), yesterday.weekday()
    starts_in = Q(opens_at__lte=now_time) & (Q(closes_at__gt=now_time) | _crosses_midnight())
    spills_in = _crosses_midnight() & Q(closes_at__gt=now_time)

    # Sets of offer ids (hashed semi-joins: one pass over the small schedule tables).
    closed_today = ScheduleException.objects.filter(date=today).values("offer_id")
    closed_yesterday = ScheduleException.objects.filter(date=yesterday).values("offer_id")
    today_regular = Q(
        pk__in=Schedule.objects.filter(starts_in, weekday=weekday)
        .exclude(offer_id__in=closed_today)
        .values("offer_id")
    )
    today_special = Q(
        pk__in=ScheduleException.objects.filter(starts_in, date=today, closed=False).values("offer_id")
    )
    spill_regular = Q(
        pk__in=Schedule.objects.filter(spills_in, weekday=yesterday_weekday)
        .exclude(offer_id__in=closed_yesterday)
        .values("offer_id")
    )
    spill_special = Q(
        pk__in=ScheduleException.objects.filter(spills_in, date=yesterday, closed=False).values("offer_id")
    )
    return today_regular | today_special | spill_regular | spill_special


class Offer(models.Model):
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
    internal = models.BooleanField(
        _("internt"), default=False, help_text=_("Kun synligt for brugere, der er logget ind.")
    )
    assured_date = models.DateField(_("sidst bekræftet"), null=True, blank=True)
    assured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bekræftet af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    search_document = models.TextField(editable=False, blank=True, default="")
    search_vector = models.GeneratedField(
        expression=SearchVector("name", weight="A", config="danish")
        + SearchVector("search_document", weight="B", config="danish")
        + SearchVector("description", weight="C", config="danish"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("tilbud")
        verbose_name_plural = _("tilbud")
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_vector"], name="tilbud_offer_search_gin"),
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
    def build_search_document(self):
        parts = [self.name, self.organisation.name]
        for term in self.categories.select_related("parent"):
            parts.append(term.name)
            if term.parent_id:
                parts.append(term.parent.name)
        parts += [group.name for group in self.target_groups.all()]
        parts += [language.name for language in self.languages.all()]
        parts += [m.name for m in self.municipalities.all()]
        return " ".join(dict.fromkeys(p for p in parts if p))

    def refresh_search_document(self):
        from tilbud.search import index_words

        document = self.build_search_document()
        if document != self.search_document:
            Offer.objects.filter(pk=self.pk).update(search_document=document)
            self.search_document = document
        index_words(self.name, self.description, document)

    # --- freshness ------------------------------------------------------------------------------
    def days_since_assured(self, today=None):
        if self.assured_date is None:
            return None
        return ((today or timezone.localdate()) - self.assured_date).days

    @property
    def is_stale(self):
        days = self.days_since_assured()
        return days is None or days >= STALE_AFTER_DAYS

    # --- opening hours (for one offer, from prefetched rows) -----------------------------------
    def _intervals_on(self, day):
        """Wall-clock intervals (start, end) as naive datetimes that start on ``day``."""
        exceptions = [e for e in self.schedule_exceptions.all() if e.date == day]
        if exceptions:
            rules = [(e.opens_at, e.closes_at) for e in exceptions if not e.closed and e.opens_at]
        else:
            rules = [(s.opens_at, s.closes_at) for s in self.schedules.all() if s.weekday == day.weekday()]
        intervals = []
        for opens, closes in rules:
            start = datetime.datetime.combine(day, opens)
            end = datetime.datetime.combine(day, closes)
            if closes <= opens:
                end += datetime.timedelta(days=1)
            intervals.append((start, end))
        return sorted(intervals)

    def opening_state(self, moment=None):
        """(is_open, next_change) at ``moment``: closes at, or opens at (local naive datetime)."""
        local = timezone.localtime(moment or timezone.now(), LOCAL_TZ).replace(tzinfo=None)
        day = local.date()
        for offset in (-1, 0):
            for start, end in self._intervals_on(day + datetime.timedelta(days=offset)):
                if start <= local < end:
                    return True, end
        for offset in range(0, 8):
            for start, _end in self._intervals_on(day + datetime.timedelta(days=offset)):
                if start > local:
                    return False, start
        return False, None

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

    @property
    def capacity_percent(self):
        if self.capacity_available is None or not self.capacity_maximum:
            return None
        return round(100 * self.capacity_available / self.capacity_maximum)


class SearchWord(models.Model):
    """Every word of every offer, for typo-tolerant search (trigram similarity on single words)."""

    word = models.CharField(max_length=60, unique=True)

    class Meta:
        indexes = [GinIndex(OpClass("word", name="gin_trgm_ops"), name="tilbud_searchword_trgm")]

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
