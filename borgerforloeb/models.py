"""Level 2 of the cooperation model: the concrete citizen case (borgerforløb).

Invariants live in the database (see each model's ``Meta.constraints``). Reads go through
``Case.objects.visible_to(user)`` (and ``Citizen.objects.visible_to(user)``), the ONE visibility
rule of the app; every view, export and notification uses it.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from borgerforloeb import cpr as cprlib
from core.models import CreatedAt, CreatedBy, TimeStamped, UpdatedAt, optional_link
from core.roles import Role
from samarbejde.models import Municipality, Organisation, municipality_link

USER = settings.AUTH_USER_MODEL


# --- Choices shared by several models ---------------------------------------------------------


class Language(models.TextChoices):
    DANISH = "da", _("Dansk")
    GREENLANDIC = "kl", _("Grønlandsk (kalaallisut)")
    OTHER = "other", _("Andet sprog")


class CitizenSignIn(models.TextChoices):
    """How a citizen was signed in to Mit forløb when they did something binding."""

    INVITATION = "invitation", _("invitation")
    MITID = "mitid", _("MitID")


def citizen_sign_in_label(citizen_sign_in: str, invitation=None) -> str:
    """ "via invitation oprettet af X" or "via MitID": how the citizen signed in to Mit forløb."""
    from django.utils.translation import gettext

    if citizen_sign_in == CitizenSignIn.INVITATION:
        creator = invitation.created_by if invitation is not None and invitation.created_by_id else None
        return gettext("via invitation oprettet af %(name)s") % {"name": creator or gettext("ukendt")}
    if citizen_sign_in == CitizenSignIn.MITID:
        return gettext("via MitID")
    return ""


class TargetGroup(models.TextChoices):
    FAMILIES = "boernefamilier", _("Børnefamilier")
    NEWCOMERS = "nytilkomne", _("Nytilkomne")
    HOMELESS = "hjemloese", _("Hjemløse")
    SUBSTANCE = "misbrug", _("Misbrug")
    MENTAL_HEALTH = "psykisk_saarbarhed", _("Psykisk sårbarhed")
    ELDERLY = "aeldre", _("Ældre")
    YOUNG = "unge", _("Unge")
    OTHER = "andet", _("Andet")


class ContactPreference(models.TextChoices):
    ANY = "any", _("Alle kontaktformer")
    PHONE = "phone", _("Telefon")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail / digital post")
    LETTER = "letter", _("Brev")
    IN_PERSON = "in_person", _("Personligt fremmøde")
    NOT_BY_PHONE = "not_by_phone", _("Ikke på telefon")
    ONLY_COORDINATOR = "only_coordinator", _("Kun gennem tovholderen")


def caseworker_municipalities(user):
    """Subquery: municipalities of the user's active municipal organisations (a caseworker's
    scope). An archived organisation gives its members no access."""
    return Organisation.objects.filter(
        memberships__user=user, kind=Organisation.Kind.MUNICIPAL, archived_at__isnull=True
    ).values("municipality_id")


# --- Citizen ----------------------------------------------------------------------------------


class CitizenQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Citizens derived from the case rule: those with a case the user may see, and for a
        caseworker also the citizens of their municipalities (who may have no case yet)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        rule = Exists(Case.objects.visible_to(user).filter(citizen=OuterRef("pk")))
        if user.has_role(Role.CASEWORKER):
            rule = rule | Q(municipality_id__in=caseworker_municipalities(user))
        return self.filter(rule)

    def with_cpr(self, raw: str):
        """The citizens whose CPR number is ``raw`` (DDMMYY-SSSS or ten digits); none when ``raw``
        is no CPR number."""
        try:
            digits = cprlib.normalise(raw)
        except ValidationError:
            return self.none()
        return self.filter(cpr=digits)


class Citizen(TimeStamped, CreatedBy):
    """The person the effort is for. CPR is optional (newcomers may not have one yet)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    full_name = models.CharField(_("fulde navn"), max_length=200)
    preferred_name = models.CharField(
        _("kaldenavn"), max_length=100, blank=True, help_text=_("Det navn borgeren ønsker at blive kaldt.")
    )
    cpr = models.CharField(
        _("CPR-nummer"),
        max_length=10,
        blank=True,
        validators=[cprlib.validate_cpr],
        help_text=_("DDMMÅÅ-XXXX. Kan være tomt, hvis borgeren endnu ikke har et CPR-nummer."),
    )
    date_of_birth = models.DateField(_("fødselsdato"), null=True, blank=True)
    preferred_language = models.CharField(
        _("foretrukket sprog"), max_length=8, choices=Language.choices, default=Language.DANISH
    )
    other_language = models.CharField(_("andet sprog"), max_length=100, blank=True)
    interpreter_wanted = models.BooleanField(_("ønsker tolk"), default=False)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("adresse"), blank=True)
    contact_preference = models.CharField(
        _("ønsket kontaktform"),
        max_length=20,
        choices=ContactPreference.choices,
        default=ContactPreference.ANY,
    )
    contact_notes = models.CharField(_("bemærkning om kontakt"), max_length=300, blank=True)
    municipality = municipality_link("citizens")
    target_groups = ArrayField(
        models.CharField(max_length=30, choices=TargetGroup.choices),
        verbose_name=_("målgrupper"),
        default=list,
        blank=True,
    )
    is_newcomer = models.BooleanField(_("nytilkommen"), default=False)
    arrived_on = models.DateField(_("ankomstdato"), null=True, blank=True)
    what_matters = models.TextField(
        _("det der betyder noget for borgeren"),
        blank=True,
        help_text=_("Med borgerens egne ord: hvad er vigtigt, hvad ønsker borgeren?"),
    )

    objects = CitizenQuerySet.as_manager()

    class Meta:
        verbose_name = _("borger")
        verbose_name_plural = _("borgere")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cpr"], condition=~Q(cpr=""), name="borgerforloeb_citizen_cpr_unique"
            ),
            models.CheckConstraint(
                condition=Q(cpr="") | Q(cpr__regex=r"^[0-9]{10}$"), name="borgerforloeb_citizen_cpr_10_digits"
            ),
        ]
        indexes = [models.Index(fields=["date_of_birth"], name="bf_citizen_dob")]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("borgerforloeb:citizen_detail", kwargs={"pk": self.pk})

    @property
    def display_name(self) -> str:
        if self.preferred_name and self.preferred_name != self.full_name:
            return f"{self.full_name} ({self.preferred_name})"
        return self.full_name

    @property
    def cpr_masked(self) -> str:
        return cprlib.mask(self.cpr)


# --- Case and its visibility rule -------------------------------------------------------------


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """THE visibility rule for citizen cases (issue 7).

        - superuser: every case;
        - caseworker: cases in the municipalities of their municipal organisations;
        - administrator: the framework only, no cases, unless also caseworker;
        - anyone else: cases where they are an active participant or the active coordinator,
          and only while a valid consent covers one of their organisations or them personally.

        Only active organisations count: members of an archived organisation keep no access
        through it (neither as municipal staff nor through a consent naming it).

        ``case_visible`` below states the same rule over (user, case) pairs for set-based work.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        from samarbejde.models import Membership

        # One IN (... UNION ...) subquery rather than OR-ed EXISTS: PostgreSQL then starts from the
        # user's few participations (index scans) instead of scanning every case.
        involved = Q(
            pk__in=Participant.objects.filter(user=user, active=True)
            .values("case_id")
            .union(CoordinatorAssignment.objects.active().filter(person=user).values("case_id"))
        )
        user_orgs = Membership.objects.filter(user=user, organisation__archived_at__isnull=True).values(
            "organisation_id"
        )
        consent = Exists(
            Consent.objects.valid()
            .filter(citizen=OuterRef("citizen_id"))
            .filter(Q(case__isnull=True) | Q(case=OuterRef("pk")))
            .filter(Q(organisations__in=user_orgs) | Q(persons=user))
        )
        # Staff of the case's own municipality's municipal organisations need no consent to take
        # part (services.check_consent_covers); everyone else only while a consent covers them.
        own_municipality_staff = Q(municipality_id__in=caseworker_municipalities(user))
        rule = involved & (consent | own_municipality_staff)
        if user.has_role(Role.CASEWORKER):
            rule = rule | Q(municipality_id__in=caseworker_municipalities(user))
        return self.filter(rule)

    def open(self):
        return self.filter(status=Case.Status.OPEN)

    def involving(self, user):
        """Cases where the user is the active coordinator or an active participant."""
        return self.filter(
            Exists(Participant.objects.filter(case=OuterRef("pk"), user=user, active=True))
            | Exists(CoordinatorAssignment.objects.active().filter(case=OuterRef("pk"), person=user))
        )


def case_visible(user_ref: str, case_prefix: str = "") -> Q:
    """``visible_to`` as one SQL predicate over (user, case) pairs of the outer query.

    For set-based work with many users at once (the reminder scans): ``user_ref`` names the outer
    row's user id, ``case_prefix`` the path from the outer row to the case ("" on cases,
    ``"case__"`` on tasks, ``"meeting__case__"`` on meeting participants). It states the same rule
    as ``CaseQuerySet.visible_to`` (tests/test_visibility_pairs.py checks every branch agrees):
    an active user sees a case when a superuser; when staff of the case's municipality who is
    caseworker or involved; or when involved and covered by a valid consent.
    """
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = OuterRef(user_ref)
    case = OuterRef(f"{case_prefix}pk")
    active = Exists(User.objects.filter(pk=user, is_active=True))
    superuser = Exists(User.objects.filter(pk=user, is_superuser=True))
    caseworker = Exists(User.groups.through.objects.filter(user_id=user, group__name=Role.CASEWORKER.value))
    own_municipality_staff = Exists(
        Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPAL,
            municipality_id=OuterRef(f"{case_prefix}municipality_id"),
            memberships__user_id=user,
            archived_at__isnull=True,
        )
    )
    involved = Exists(Participant.objects.filter(case_id=case, user_id=user, active=True)) | Exists(
        CoordinatorAssignment.objects.active().filter(case_id=case, person_id=user)
    )
    consents = Consent.objects.valid().filter(
        Q(case__isnull=True) | Q(case_id=case), citizen_id=OuterRef(f"{case_prefix}citizen_id")
    )
    consent = Exists(
        consents.filter(organisations__memberships__user_id=user, organisations__archived_at__isnull=True)
    ) | Exists(consents.filter(persons=user))
    return active & (superuser | (own_municipality_staff & (caseworker | involved)) | (involved & consent))


class Case(TimeStamped, CreatedBy):
    """A citizen's course of cooperation (borgerforløb)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Åbent")
        PAUSED = "paused", _("Sat på pause")
        CLOSED = "closed", _("Afsluttet")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    citizen = models.ForeignKey(
        Citizen, verbose_name=_("borger"), on_delete=models.PROTECT, related_name="cases"
    )
    municipality = municipality_link("cases")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_reason = models.TextField(_("begrundelse for afslutning"), blank=True)
    start_date = models.DateField(_("startdato"), default=date.today)
    end_date = models.DateField(_("slutdato"), null=True, blank=True)
    summary = models.TextField(_("situationen kort"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("forløb")
        verbose_name_plural = _("forløb")
        ordering = ["-start_date", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_reason__regex=r"\S"),
                name="borgerforloeb_case_closed_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="borgerforloeb_case_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "status"], name="bf_case_muni_status")]

    def __str__(self):
        return str(_("Forløb for %(name)s") % {"name": self.citizen.display_name})

    def get_absolute_url(self):
        return reverse("borgerforloeb:case_detail", kwargs={"pk": self.pk})

    @property
    def active_coordinator_assignment(self):
        """The active assignment (uses a prefetched ``active_coordinators`` list when present)."""
        cached = getattr(self, "active_coordinators", None)
        if cached is not None:
            return cached[0] if cached else None
        return self.coordinator_assignments.active().select_related("person").first()


def case_row_link(related_name):
    """The case a row belongs to; the row is deleted with its case."""
    return models.ForeignKey(
        Case, verbose_name=_("forløb"), on_delete=models.CASCADE, related_name=related_name
    )


class CoordinatorAssignmentQuerySet(models.QuerySet):
    def active(self):
        """The assignments not ended: at most one per case (a partial unique constraint)."""
        return self.filter(ended_at__isnull=True)


class CoordinatorAssignment(models.Model):
    """Who holds the threads (tovholder) and when. History is kept; one active row per case."""

    case = case_row_link("coordinator_assignments")
    person = models.ForeignKey(
        USER, verbose_name=_("tovholder"), on_delete=models.PROTECT, related_name="coordinator_assignments"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coordinator_assignments",
    )
    started_at = models.DateTimeField(_("startet"), default=timezone.now)
    ended_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    reason = models.TextField(_("begrundelse"), blank=True)
    created_by = optional_link(USER, _("registreret af"))

    objects = CoordinatorAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("tovholdertildeling")
        verbose_name_plural = _("tovholdertildelinger")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(ended_at__isnull=True),
                name="borgerforloeb_one_active_coordinator",
                violation_error_message=_("Forløbet har allerede en aktiv tovholder. Brug overdragelse."),
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="borgerforloeb_coordinator_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.started_at:%d-%m-%Y})"

    @property
    def is_active(self):
        return self.ended_at is None


class Participant(models.Model):
    """A person with a role in the case and what they are responsible for."""

    class Role(models.TextChoices):
        CASEWORKER = "caseworker", _("Sagsbehandler")
        COORDINATOR = "coordinator", _("Tovholder")
        CONTACT = "contact", _("Kontaktperson")
        VOLUNTEER = "volunteer", _("Frivillig")
        RELATIVE = "relative", _("Pårørende")
        INTERPRETER = "interpreter", _("Tolk")
        OTHER = "other", _("Andet")

    case = case_row_link("participants")
    user = models.ForeignKey(
        USER,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_participations",
        help_text=_("Personen, hvis vedkommende har et login. Pårørende kan angives med navn alene."),
    )
    name = models.CharField(_("navn"), max_length=200, blank=True, help_text=_("Navn på person uden login."))
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_participations",
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    responsibility = models.TextField(_("ansvar i forløbet"), blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    added_at = models.DateTimeField(_("tilføjet"), default=timezone.now)
    ended_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)

    class Meta:
        verbose_name = _("deltager")
        verbose_name_plural = _("deltagere")
        ordering = ["role", "added_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(name__regex=r"\S"), name="borgerforloeb_participant_who"
            ),
            models.UniqueConstraint(
                fields=["case", "user", "role"],
                condition=Q(active=True, user__isnull=False),
                name="borgerforloeb_participant_unique_active",
                violation_error_message=_("Personen deltager allerede i forløbet med denne rolle."),
            ),
        ]
        indexes = [models.Index(fields=["user", "active"], name="bf_participant_user")]

    def __str__(self):
        return f"{self.person_name} – {self.get_role_display()}"

    @property
    def person_name(self) -> str:
        return str(self.user) if self.user_id else self.name


# --- Consent ------------------------------------------------------------------------------------


class ConsentQuerySet(models.QuerySet):
    def valid(self, on: date | None = None):
        """Not withdrawn, started and not expired on ``on`` (default today)."""
        on = on or timezone.localdate()
        return self.filter(withdrawn_at__isnull=True, valid_from__lte=on).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )

    def covering(self, *, case, organisation=None, user=None):
        """Valid consents of the case's citizen (whole citizen or this case) covering org/user."""
        who = Q(pk__in=[])
        if organisation is not None:
            who |= Q(organisations=organisation)
        if user is not None:
            who |= Q(persons=user)
        return (
            self.valid()
            .filter(citizen_id=case.citizen_id)
            .filter(Q(case__isnull=True) | Q(case=case))
            .filter(who)
            .distinct()
        )


class Consent(models.Model):
    """The citizen's consent to share information between named actors (samtykke)."""

    class InformationKind(models.TextChoices):
        BASIC = "basic", _("Navn og kontaktoplysninger")
        SITUATION = "situation", _("Situation og plan")
        HEALTH = "health", _("Helbred")
        SUBSTANCE = "substance", _("Misbrug")
        ECONOMY = "economy", _("Økonomi og forsørgelse")
        HOUSING = "housing", _("Bolig")
        CHILDREN = "children", _("Børn og familie")
        EMPLOYMENT = "employment", _("Beskæftigelse og uddannelse")

    class GivenHow(models.TextChoices):
        SIGNED = "signed", _("Underskrevet")
        ORAL_WITNESS = "oral_witness", _("Mundtligt med vidne")
        INTERPRETER = "interpreter", _("Med tolk")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    citizen = models.ForeignKey(
        Citizen, verbose_name=_("borger"), on_delete=models.CASCADE, related_name="consents"
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("forløb"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents",
        help_text=_("Tom: samtykket gælder alle borgerens forløb."),
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisationer"), blank=True, related_name="consents"
    )
    persons = models.ManyToManyField(USER, verbose_name=_("personer"), blank=True, related_name="consents")
    information_kinds = ArrayField(
        models.CharField(max_length=20, choices=InformationKind.choices),
        verbose_name=_("oplysninger der må deles"),
        default=list,
    )
    text_shown = models.TextField(_("teksten borgeren fik forelagt"))
    language = models.CharField(_("sprog"), max_length=8, choices=Language.choices, default=Language.DANISH)
    given_how = models.CharField(_("givet hvordan"), max_length=20, choices=GivenHow.choices)
    witness = models.CharField(_("vidne"), max_length=200, blank=True)
    interpreter_name = models.CharField(_("tolk"), max_length=200, blank=True)
    valid_from = models.DateField(_("gyldigt fra"), default=date.today)
    valid_until = models.DateField(_("gyldigt til"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)
    withdrawn_by = optional_link(USER, _("tilbagekaldelse registreret af"))
    withdrawal_note = models.TextField(_("bemærkning om tilbagekaldelse"), blank=True)
    withdrawn_sign_in = models.CharField(
        _("borgeren trak tilbage via"), max_length=12, choices=CitizenSignIn.choices, blank=True
    )
    withdrawn_invitation = optional_link("CitizenInvitation", _("borgerens invitation"))
    recorded_by = optional_link(USER, _("registreret af"))
    created_at = models.DateTimeField(_("registreret"), auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("samtykke")
        verbose_name_plural = _("samtykker")
        ordering = ["-valid_from", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="borgerforloeb_consent_until_after_from",
            ),
            models.CheckConstraint(
                condition=~Q(given_how="oral_witness") | Q(witness__regex=r"\S"),
                name="borgerforloeb_consent_oral_needs_witness",
            ),
            models.CheckConstraint(
                condition=Q(text_shown__regex=r"\S"), name="borgerforloeb_consent_text_required"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_invitation__isnull=True) | Q(withdrawn_sign_in="invitation"),
                name="borgerforloeb_consent_withdrawn_invitation_sign_in",
            ),
        ]
        indexes = [models.Index(fields=["citizen", "withdrawn_at"], name="bf_consent_citizen")]

    def __str__(self):
        return str(_("Samtykke fra %(date)s") % {"date": self.valid_from.strftime("%d-%m-%Y")})

    @property
    def withdrawn_sign_in_label(self) -> str:
        """How the citizen was signed in when they withdrew it in Mit forløb themselves."""
        return citizen_sign_in_label(self.withdrawn_sign_in, self.withdrawn_invitation)

    @property
    def information_kind_labels(self) -> list[str]:
        labels = dict(self.InformationKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.information_kinds]

    def is_valid(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.withdrawn_at is None
            and self.valid_from <= on
            and (self.valid_until is None or self.valid_until >= on)
        )


# --- Plan ----------------------------------------------------------------------------------------


def six_months_ahead() -> date:
    today = timezone.localdate()
    month = today.month + 6
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return today + timedelta(days=182)


class Plan(CreatedAt):
    """The case's plan (§ 141 handleplan shape); its content lives in versions."""

    case = models.OneToOneField(Case, verbose_name=_("forløb"), on_delete=models.CASCADE, related_name="plan")

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("planer")

    def __str__(self):
        return str(_("Plan for %(case)s") % {"case": self.case})

    @property
    def current_version(self):
        return self.versions.filter(status=PlanVersion.Status.ACCEPTED).first()

    @property
    def draft_version(self):
        return self.versions.filter(status=PlanVersion.Status.DRAFT).first()


class PlanVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Kladde")
        ACCEPTED = "accepted", _("Accepteret")
        SUPERSEDED = "superseded", _("Erstattet")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versionsnummer"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    purpose = models.TextField(_("formål"), blank=True)
    efforts = models.TextField(_("indsatser"), blank=True)
    expected_duration = models.CharField(_("forventet varighed"), max_length=200, blank=True)
    other_matters = models.TextField(_("andre forhold"), blank=True)
    next_review = models.DateField(_("næste opfølgning"), default=six_months_ahead)
    lock_version = models.PositiveIntegerField(_("låseversion"), default=1)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)
    created_by = optional_link(USER, _("oprettet af"))
    updated_by = optional_link(USER, _("ændret af"))
    accepted_at = models.DateTimeField(_("accepteret"), null=True, blank=True)

    class Meta:
        verbose_name = _("planversion")
        verbose_name_plural = _("planversioner")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="borgerforloeb_planversion_number_unique"
            ),
            models.UniqueConstraint(
                fields=["plan"], condition=Q(status="draft"), name="borgerforloeb_planversion_one_draft"
            ),
            models.UniqueConstraint(
                fields=["plan"], condition=Q(status="accepted"), name="borgerforloeb_planversion_one_accepted"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(accepted_at__isnull=False),
                name="borgerforloeb_planversion_accepted_has_date",
            ),
        ]

    def __str__(self):
        return str(_("Version %(number)s") % {"number": self.number})


class Goal(models.Model):
    """A goal in the plan, in the citizen's own words, and who helps."""

    version = models.ForeignKey(
        PlanVersion, verbose_name=_("planversion"), on_delete=models.CASCADE, related_name="goals"
    )
    text = models.TextField(_("mål med borgerens egne ord"))
    who_helps = models.CharField(_("hvem hjælper"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("rækkefølge"), default=0)

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["version", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(text__regex=r"\S"), name="borgerforloeb_goal_text_required")
        ]

    def __str__(self):
        return self.text[:80]


class PlanAcceptance(models.Model):
    """Who accepted a plan version, when, and how the citizen took part."""

    class CitizenParticipation(models.TextChoices):
        PRESENT = "present", _("Til stede")
        PHONE = "phone", _("Per telefon")
        INTERPRETER = "interpreter", _("Med tolk")

    version = models.OneToOneField(
        PlanVersion, verbose_name=_("planversion"), on_delete=models.CASCADE, related_name="acceptance"
    )
    accepted_at = models.DateTimeField(_("accepteret"), default=timezone.now)
    recorded_by = optional_link(USER, _("registreret af"), blank=False)
    participants = models.ManyToManyField(
        USER, verbose_name=_("deltagere der har accepteret"), blank=True, related_name="plan_acceptances"
    )
    citizen_participation = models.CharField(
        _("borgerens deltagelse"), max_length=20, choices=CitizenParticipation.choices
    )
    interpreter_name = models.CharField(_("tolk"), max_length=200, blank=True)
    note = models.TextField(_("bemærkning"), blank=True)
    # When the citizen accepted in Mit forløb themselves: how they were signed in.
    citizen_sign_in = models.CharField(
        _("borgeren loggede ind via"), max_length=12, choices=CitizenSignIn.choices, blank=True
    )
    invitation = optional_link("CitizenInvitation", _("borgerens invitation"))

    class Meta:
        verbose_name = _("accept af plan")
        verbose_name_plural = _("accepter af planer")
        constraints = [
            models.CheckConstraint(
                condition=Q(invitation__isnull=True) | Q(citizen_sign_in="invitation"),
                name="borgerforloeb_planacceptance_invitation_sign_in",
            )
        ]

    def __str__(self):
        return f"{self.version} – {self.accepted_at:%d-%m-%Y}"

    @property
    def citizen_sign_in_label(self) -> str:
        """How the citizen was signed in when they accepted in Mit forløb themselves."""
        return citizen_sign_in_label(self.citizen_sign_in, self.invitation)


# --- Efforts, tasks, meetings --------------------------------------------------------------------


class Effort(TimeStamped):
    """A concrete effort, often a referral to an offer; one named responsible person."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Foreslået")
        REFERRED = "referred", _("Henvist")
        ACCEPTED = "accepted", _("Accepteret")
        STARTED = "started", _("Startet")
        ENDED = "ended", _("Afsluttet")
        DECLINED = "declined", _("Afvist")

    class DeclineKind(models.TextChoices):
        """Why a referral was declined, as a choice the reports can count (the reason's text is
        free and never read by them)."""

        NO_CAPACITY = "no_capacity", _("Ingen ledig kapacitet")
        OUTSIDE_TARGET_GROUP = "outside_target_group", _("Uden for målgruppen")
        CITIZEN_DECLINED = "citizen_declined", _("Borgeren har sagt nej tak")
        NOT_REACHABLE = "not_reachable", _("Borgeren kunne ikke kontaktes")
        OTHER = "other", _("Anden årsag")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = case_row_link("efforts")
    offer = models.ForeignKey(
        "tilbud.Offer",
        verbose_name=_("tilbud"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="efforts",
    )
    title = models.CharField(_("indsats"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    receiving_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("modtagende organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_efforts",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    decline_reason = models.TextField(_("begrundelse for afvisning"), blank=True)
    decline_reason_kind = models.CharField(
        _("årsag til afvisning"),
        max_length=30,
        choices=DeclineKind.choices,
        blank=True,
        default="",
        db_default="",
        help_text=_("Tom: ikke afvist, eller afvist før årsagen blev registreret."),
    )
    responsible = models.ForeignKey(
        USER, verbose_name=_("ansvarlig"), on_delete=models.PROTECT, related_name="responsible_efforts"
    )
    proposed_on = models.DateField(_("foreslået"), default=date.today)
    referred_at = models.DateTimeField(_("henvist"), null=True, blank=True)
    answered_at = models.DateTimeField(_("besvaret"), null=True, blank=True)
    answered_by = optional_link(USER, _("besvaret af"))
    start_date = models.DateField(_("startdato"), null=True, blank=True)
    end_date = models.DateField(_("slutdato"), null=True, blank=True)

    class Meta:
        verbose_name = _("indsats")
        verbose_name_plural = _("indsatser")
        ordering = ["-proposed_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | Q(decline_reason__regex=r"\S"),
                name="borgerforloeb_effort_decline_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="declined") | Q(decline_reason_kind=""),
                name="borgerforloeb_effort_decline_kind_only_when_declined",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="borgerforloeb_effort_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["receiving_organisation", "status"], name="bf_effort_inbound")]

    def __str__(self):
        return self.title


class TaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Task.Status.OPEN)

    def overdue(self, today: date | None = None):
        return self.open().filter(due_date__lt=today or timezone.localdate())


class Task(CreatedAt, CreatedBy):
    """An agreement: who does what by when. Exactly one responsible person."""

    class Status(models.TextChoices):
        OPEN = "open", _("Åben")
        DONE = "done", _("Udført")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = case_row_link("tasks")
    title = models.CharField(_("opgave"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    responsible = models.ForeignKey(
        USER, verbose_name=_("ansvarlig"), on_delete=models.PROTECT, related_name="responsible_tasks"
    )
    due_date = models.DateField(_("frist"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(_("udført"), null=True, blank=True)
    completed_by = optional_link(USER, _("udført af"))
    meeting = optional_link("Meeting", _("fra møde"), related_name="tasks")

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("opgave")
        verbose_name_plural = _("opgaver")
        ordering = [models.F("due_date").asc(nulls_last=True), "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="open") & Q(completed_at__isnull=True))
                | (Q(status="done") & Q(completed_at__isnull=False)),
                name="borgerforloeb_task_done_has_completed_at",
            ),
            models.CheckConstraint(condition=Q(title__regex=r"\S"), name="borgerforloeb_task_title_required"),
        ]
        indexes = [
            models.Index(fields=["due_date"], condition=Q(status="open"), name="bf_task_open_due"),
            models.Index(
                fields=["responsible", "due_date"],
                condition=Q(status="open"),
                name="bf_task_resp_open_due",
            ),
            # Open and overdue tasks of a set of cases (case lists, dashboard figures).
            models.Index(
                fields=["case", "due_date"], condition=Q(status="open"), name="bf_task_case_open_due"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == self.Status.OPEN
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )


class Meeting(CreatedAt, CreatedBy):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = case_row_link("meetings")
    title = models.CharField(_("titel"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starter"))
    ends_at = models.DateTimeField(_("slutter"), null=True, blank=True)
    place = models.CharField(_("sted"), max_length=300, blank=True)
    participants = models.ManyToManyField(
        USER, verbose_name=_("deltagere"), blank=True, related_name="case_meetings"
    )
    interpreter_needed = models.BooleanField(_("tolk nødvendig"), default=False)
    interpreter_language = models.CharField(_("tolkesprog"), max_length=100, blank=True)
    interpreter_name = models.CharField(_("tolkens navn"), max_length=200, blank=True)
    interpreter_booked = models.BooleanField(_("tolk bestilt"), default=False)
    agenda = models.TextField(_("dagsorden"), blank=True)
    minutes = models.TextField(_("referat"), blank=True)

    class Meta:
        verbose_name = _("møde")
        verbose_name_plural = _("møder")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="borgerforloeb_meeting_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(interpreter_booked=False) | Q(interpreter_needed=True),
                name="borgerforloeb_meeting_booked_needs_interpreter",
            ),
        ]
        indexes = [models.Index(fields=["case", "starts_at"], name="bf_meeting_case_start")]

    def __str__(self):
        return self.title or str(
            _("Møde %(date)s") % {"date": timezone.localtime(self.starts_at).strftime("%d-%m-%Y %H:%M")}
        )


# --- Attention points, decisions, timeline -------------------------------------------------------

DEFAULT_ATTENTION_ITEMS = [
    {"key": "language", "label": "Sprog og tolk"},
    {"key": "culture", "label": "Kulturel baggrund"},
    {"key": "consent", "label": "Samtykke givet"},
    {"key": "network", "label": "Borgerens eget netværk"},
    {"key": "children", "label": "Børn i familien"},
    {"key": "housing", "label": "Bolig"},
    {"key": "substance", "label": "Misbrug"},
    {"key": "contact", "label": "Kontakt mellem aktørerne"},
    {"key": "handover", "label": "Overdragelse"},
    {"key": "newcomer", "label": "Behov som nytilkommen"},
]


def default_attention_items():
    return [dict(item) for item in DEFAULT_ATTENTION_ITEMS]


class AttentionPointTemplate(UpdatedAt):
    """The checklist of attention points; municipality empty = the portal's default."""

    municipality = models.OneToOneField(
        Municipality,
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attention_point_template",
        help_text=_("Tom: standardlisten for kommuner uden egen liste."),
    )
    items = models.JSONField(
        _("punkter"),
        default=default_attention_items,
        help_text=_('Liste af {"key": ..., "label": ...}.'),
    )

    class Meta:
        verbose_name = _("skabelon for opmærksomhedspunkter")
        verbose_name_plural = _("skabeloner for opmærksomhedspunkter")
        constraints = [
            # At most one default template (municipality empty).
            models.UniqueConstraint(
                Coalesce("municipality", Value(0)), name="borgerforloeb_attention_one_per_municipality"
            ),
        ]

    def __str__(self):
        return str(self.municipality or _("Standard"))

    @classmethod
    def items_for(cls, municipality) -> list[dict]:
        template = (
            cls.objects.filter(municipality=municipality).first()
            or cls.objects.filter(municipality__isnull=True).first()
        )
        return list(template.items) if template else default_attention_items()


class AttentionPoint(models.Model):
    class Status(models.TextChoices):
        NOT_ASSESSED = "not_assessed", _("Ikke vurderet")
        OK = "ok", _("I orden")
        ATTENTION = "attention", _("Kræver opmærksomhed")
        HANDLED = "handled", _("Håndteret")
        NOT_RELEVANT = "not_relevant", _("Ikke relevant")

    case = case_row_link("attention_points")
    key = models.SlugField(_("nøgle"), max_length=50)
    label = models.CharField(_("punkt"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_ASSESSED)
    note = models.TextField(_("note"), blank=True)
    order = models.PositiveIntegerField(_("rækkefølge"), default=0)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)
    updated_by = optional_link(USER, _("ændret af"))

    class Meta:
        verbose_name = _("opmærksomhedspunkt")
        verbose_name_plural = _("opmærksomhedspunkter")
        ordering = ["case", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="borgerforloeb_attention_unique_key")
        ]

    def __str__(self):
        return self.label


class Decision(models.Model):
    """A decision in the case and how the citizen was involved (mandatory)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = case_row_link("decisions")
    text = models.TextField(_("beslutning"))
    decided_by = models.CharField(_("besluttet af"), max_length=300)
    decided_on = models.DateField(_("dato"), default=date.today)
    citizen_involvement = models.TextField(
        _("sådan var borgeren involveret"),
        help_text=_("Skal udfyldes: hvordan deltog borgeren i beslutningen?"),
    )
    shared_with_citizen = models.BooleanField(_("delt med borgeren"), default=False)
    meeting = optional_link(Meeting, _("fra møde"), related_name="decisions")
    recorded_by = optional_link(USER, _("registreret af"))
    created_at = models.DateTimeField(_("registreret"), auto_now_add=True)

    class Meta:
        verbose_name = _("beslutning")
        verbose_name_plural = _("beslutninger")
        ordering = ["-decided_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(citizen_involvement__regex=r"\S"),
                name="borgerforloeb_decision_citizen_involvement_required",
            ),
            models.CheckConstraint(
                condition=Q(text__regex=r"\S"), name="borgerforloeb_decision_text_required"
            ),
        ]

    def __str__(self):
        return self.text[:80]


class TimelineEvent(models.Model):
    """One event of the case, in order. ``summary`` never contains a CPR number."""

    class Kind(models.TextChoices):
        CASE = "case", _("Forløb")
        COORDINATOR = "coordinator", _("Tovholder")
        PARTICIPANT = "participant", _("Deltagere")
        CONSENT = "consent", _("Samtykke")
        PLAN = "plan", _("Plan")
        EFFORT = "effort", _("Indsatser")
        TASK = "task", _("Opgaver")
        MEETING = "meeting", _("Møder")
        ATTENTION = "attention", _("Opmærksomhedspunkter")
        DECISION = "decision", _("Beslutninger")
        NETWORK = "network", _("Netværkskort")
        NOTE = "note", _("Notat")
        TRANSFER = "transfer", _("Overdragelse mellem kommuner")

    id = models.BigAutoField(primary_key=True)
    case = case_row_link("timeline")
    at = models.DateTimeField(_("tidspunkt"), default=timezone.now)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    actor = optional_link(USER, _("udført af"))
    summary = models.CharField(_("hændelse"), max_length=300)
    object_type = models.CharField(_("objekttype"), max_length=100, blank=True)
    object_id = models.CharField(_("objekt-id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("tidslinjehændelse")
        verbose_name_plural = _("tidslinje")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "-at", "-id"], name="bf_timeline_case_at")]

    def __str__(self):
        return self.summary


# --- The citizen's own access (Mit forløb): invitations and messages to the coordinator -----------


class CitizenInvitationQuerySet(models.QuerySet):
    def open(self, now=None):
        """Not used, not locked, not revoked and not expired."""
        now = now or timezone.now()
        return self.filter(
            used_at__isnull=True, locked_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        )


class CitizenInvitation(models.Model):
    """A one-time link (token) plus a 6-digit code given in person; both stored only as hashes.

    The link expires (``expires_at``), works once (``used_at``) and locks after
    ``MAX_ATTEMPTS`` wrong codes (``locked_at``). A new invitation revokes the open ones.
    """

    MAX_ATTEMPTS = 5

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = case_row_link("citizen_invitations")
    token_hash = models.CharField(_("link (hash)"), max_length=64, unique=True, editable=False)
    code_hash = models.CharField(_("kode (hash)"), max_length=200, editable=False)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    created_by = optional_link(USER, _("oprettet af"), blank=False)
    expires_at = models.DateTimeField(_("udløber"))
    used_at = models.DateTimeField(_("brugt"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("forkerte koder"), default=0)
    locked_at = models.DateTimeField(_("låst"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("annulleret"), null=True, blank=True)

    objects = CitizenInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation til Mit forløb")
        verbose_name_plural = _("invitationer til Mit forløb")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="borgerforloeb_invitation_expires_later",
            ),
            models.CheckConstraint(
                condition=Q(failed_attempts__lte=5), name="borgerforloeb_invitation_max_attempts"
            ),
            models.CheckConstraint(
                condition=Q(locked_at__isnull=True) | Q(failed_attempts__gte=5) | Q(revoked_at__isnull=False),
                name="borgerforloeb_invitation_locked_after_attempts",
            ),
        ]
        indexes = [models.Index(fields=["case", "-created_at"], name="bf_invitation_case")]

    def __str__(self):
        return str(
            _("Invitation %(date)s")
            % {"date": timezone.localtime(self.created_at).strftime("%d-%m-%Y %H:%M")}
        )


class CitizenMessage(models.Model):
    """Something the citizen did or said in Mit forløb that the coordinator must know about."""

    class Kind(models.TextChoices):
        CHANGE_REQUEST = "change_request", _("Ønske om ændring")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Samtykke trukket tilbage")
        PLAN_ACCEPTED = "plan_accepted", _("Plan accepteret")
        NEW_LINK = "new_link", _("Beder om et nyt link")
        ACCESS_QUESTION = "access_question", _("Spørgsmål om en adgang")
        DATA_DOWNLOADED = "data_downloaded", _("Hentede sine data")

    id = models.BigAutoField(primary_key=True)
    case = case_row_link("citizen_messages")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("besked"), blank=True)
    plan_version = optional_link(PlanVersion, _("planversion"))
    created_at = models.DateTimeField(_("sendt"), default=timezone.now)
    read_at = models.DateTimeField(_("læst"), null=True, blank=True)
    read_by = optional_link(USER, _("læst af"))

    class Meta:
        verbose_name = _("besked fra borgeren")
        verbose_name_plural = _("beskeder fra borgeren")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["change_request", "access_question"]) | Q(text__regex=r"\S"),
                name="borgerforloeb_citizenmessage_request_has_text",
            ),
        ]
        indexes = [models.Index(fields=["case", "read_at"], name="bf_citizenmsg_case_read")]

    def __str__(self):
        return self.get_kind_display()


# --- Retention (borgerforloeb/gdpr.py, run nightly by Celery beat) --------------------------------


class RetentionRun(models.Model):
    """One run of the retention rules: counts only, never a person (shown in the admin)."""

    started_at = models.DateTimeField(_("startet"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    dry_run = models.BooleanField(_("prøvekørsel"), default=False)
    case_cutoff = models.DateField(_("forløb afsluttet før"))
    audit_cutoff = models.DateTimeField(_("logposter fra før"))
    cases_anonymised = models.PositiveIntegerField(_("forløb anonymiseret"), default=0)
    cases_left = models.PositiveIntegerField(_("forløb til senere kørsler"), default=0)
    audit_rows_pruned = models.PositiveIntegerField(_("logposter slettet"), default=0)
    error = models.CharField(_("fejl"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("kørsel af sletteregler")
        verbose_name_plural = _("kørsler af sletteregler")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return str(
            _("Kørsel %(when)s") % {"when": timezone.localtime(self.started_at).strftime("%d-%m-%Y %H:%M")}
        )


# --- Transfer of a case between municipalities (issue 21) ----------------------------------------


class TransferPart(models.TextChoices):
    """What of the case the sending municipality hands over. Parts not chosen are kept only in the
    transfer's archive for the sending municipality and removed from the case on acceptance."""

    PLAN = "plan", _("Plan og mål")
    DECISIONS = "decisions", _("Beslutninger")
    ATTENTION = "attention", _("Opmærksomhedspunkter")
    EFFORTS = "efforts", _("Indsatser, der stadig kører")
    NETWORK = "network", _("Netværkskort (deltagere)")
    MINUTES = "minutes", _("Mødereferater")


class CaseTransferQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=CaseTransfer.Status.PENDING)

    def visible_to(self, user):
        """Who sees a transfer (its summary, never the case itself):

        - everyone who may see the case (the sending side while it is open, the receiving side
          once accepted);
        - the caseworkers of the receiving municipality (the inbound summary) and of the sending
          one (the record and archive of what was not handed over, after the case has left);
        - whoever started it and the outgoing coordinator.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        rule = (
            Q(case__in=Case.objects.visible_to(user).values("pk"))
            | Q(started_by=user)
            | Q(from_coordinator=user)
        )
        if user.has_role(Role.CASEWORKER):
            municipalities = caseworker_municipalities(user)
            rule |= Q(to_municipality_id__in=municipalities) | Q(from_municipality_id__in=municipalities)
        return self.filter(rule)

    def inbound_for(self, user):
        """Open transfers to the municipalities where ``user`` is a caseworker."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if not (user.is_superuser or user.has_role(Role.CASEWORKER)):
            return self.none()
        return self.open().filter(to_municipality_id__in=caseworker_municipalities(user))


class CaseTransfer(models.Model):
    """A consented move of a case (and its citizen) from one municipality to another.

    At most one open transfer per case (a partial unique constraint). The dates of start,
    acceptance, decline and withdrawal stay for reporting.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Afventer modtagende kommune")
        ACCEPTED = "accepted", _("Modtaget")
        DECLINED = "declined", _("Afvist")
        WITHDRAWN = "withdrawn", _("Trukket tilbage")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = case_row_link("transfers")
    from_municipality = municipality_link("outbound_transfers", verbose_name=_("afsendende kommune"))
    to_municipality = municipality_link("inbound_transfers", verbose_name=_("modtagende kommune"))
    move_date = models.DateField(_("flyttedato"))
    parts = ArrayField(
        models.CharField(max_length=20, choices=TransferPart.choices),
        verbose_name=_("det der overdrages"),
        default=list,
        blank=True,
    )
    message = models.TextField(_("besked til den modtagende kommune"), blank=True)
    sender_stays = models.BooleanField(_("tovholderen fortsætter som deltager"), default=False)
    consent = optional_link(Consent, _("samtykke"), blank=False, related_name="transfers")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    started_at = models.DateTimeField(_("startet"), default=timezone.now)
    started_by = optional_link(USER, _("startet af"), blank=False)
    from_coordinator = optional_link(USER, _("afsendende tovholder"))
    accepted_at = models.DateTimeField(_("modtaget"), null=True, blank=True)
    declined_at = models.DateTimeField(_("afvist"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("trukket tilbage"), null=True, blank=True)
    answered_by = optional_link(USER, _("besvaret af"))
    decline_reason = models.TextField(_("begrundelse for afvisning"), blank=True)
    new_coordinator = optional_link(USER, _("ny tovholder"))
    handover_meeting = optional_link(Meeting, _("overdragelsesmøde"))
    plan_carried_over = models.BooleanField(_("planen fulgte med"), null=True, blank=True)
    withheld = models.JSONField(
        _("ikke overdraget (arkiv for afsendende kommune)"),
        default=dict,
        blank=True,
        editable=False,
        encoder=DjangoJSONEncoder,
    )

    objects = CaseTransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("overdragelse mellem kommuner")
        verbose_name_plural = _("overdragelser mellem kommuner")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="pending"),
                name="borgerforloeb_transfer_one_open_per_case",
                violation_error_message=_("Forløbet har allerede en åben overdragelse."),
            ),
            models.CheckConstraint(
                condition=~Q(from_municipality=models.F("to_municipality")),
                name="borgerforloeb_transfer_other_municipality",
            ),
            models.CheckConstraint(
                condition=(Q(status="pending") & Q(accepted_at__isnull=True) & Q(declined_at__isnull=True))
                | (Q(status="accepted") & Q(accepted_at__isnull=False))
                | (Q(status="declined") & Q(declined_at__isnull=False) & Q(decline_reason__regex=r"\S"))
                | (Q(status="withdrawn") & Q(withdrawn_at__isnull=False)),
                name="borgerforloeb_transfer_status_dates",
            ),
        ]
        indexes = [
            models.Index(fields=["to_municipality", "status"], name="bf_transfer_inbound"),
            models.Index(fields=["from_municipality", "status"], name="bf_transfer_outbound"),
        ]

    def __str__(self):
        return str(
            _("Overdragelse fra %(from)s til %(to)s")
            % {"from": self.from_municipality, "to": self.to_municipality}
        )

    def get_absolute_url(self):
        return reverse("borgerforloeb:transfer_detail", kwargs={"pk": self.pk})

    @property
    def part_labels(self) -> list[str]:
        labels = dict(TransferPart.choices)
        return [str(labels.get(part, part)) for part in self.parts]

    @property
    def withheld_labels(self) -> list[str]:
        labels = dict(TransferPart.choices)
        return [str(labels[part]) for part in TransferPart.values if part not in self.parts]


# --- The citizen's network map (netværkskort) ----------------------------------------------------


class NetworkPerson(TimeStamped):
    """A person around the citizen, placed by the citizen's own sense of closeness.

    ``kind`` gives the map's sector, ``ring`` the distance from the citizen. A person with a login
    (``user``) or an ``organisation`` can become a participant of the case in one step
    (``services.network.make_participant``); ``participant`` then links the two.
    """

    class Kind(models.TextChoices):
        FAMILY = "family", _("Familie")
        FRIENDS = "friends", _("Venner og netværk")
        PROFESSIONAL = "professional", _("Professionelle")
        VOLUNTEER = "volunteer", _("Frivillige")
        OTHER = "other", _("Andre")

    class Ring(models.IntegerChoices):
        CLOSE = 1, _("Tæt på")
        MIDDLE = 2, _("Mellem")
        FAR = 3, _("Længere væk")

    case = case_row_link("network_people")
    name = models.CharField(_("navn"), max_length=200)
    relation = models.CharField(
        _("relation"), max_length=200, blank=True, help_text=_("Fx søster, nabo, mentor, læge.")
    )
    kind = models.CharField(_("gruppe"), max_length=20, choices=Kind.choices)
    ring = models.PositiveSmallIntegerField(_("hvor tæt på"), choices=Ring.choices, default=Ring.MIDDLE)
    note = models.TextField(_("note"), blank=True)
    how_to_reach = models.CharField(_("sådan kontaktes personen"), max_length=300, blank=True)
    wants_involved = models.BooleanField(_("borgeren ønsker personen inddraget"), default=False)
    user = optional_link(USER, _("person med login"))
    organisation = optional_link(Organisation, _("organisation"))
    participant = models.OneToOneField(
        Participant,
        verbose_name=_("deltager i forløbet"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="network_person",
    )

    class Meta:
        verbose_name = _("person i netværket")
        verbose_name_plural = _("personer i netværket")
        ordering = ["ring", "kind", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(name__regex=r"\S"), name="borgerforloeb_networkperson_name"),
            models.CheckConstraint(condition=Q(ring__in=[1, 2, 3]), name="borgerforloeb_networkperson_ring"),
            models.CheckConstraint(
                condition=Q(kind__in=["family", "friends", "professional", "volunteer", "other"]),
                name="borgerforloeb_networkperson_kind",
            ),
        ]
        indexes = [models.Index(fields=["case", "ring"], name="bf_networkperson_case")]

    def __str__(self):
        return self.name


class NetworkMapVersion(models.Model):
    """The map as it was agreed with the citizen: when, who took part and how, like a plan's
    acceptance (``PlanAcceptance``), with a snapshot of the people so versions can be compared."""

    case = case_row_link("network_versions")
    number = models.PositiveIntegerField(_("versionsnummer"))
    held_on = models.DateField(_("dato"), default=date.today)
    citizen_participation = models.CharField(
        _("borgerens deltagelse"), max_length=20, choices=PlanAcceptance.CitizenParticipation.choices
    )
    interpreter_name = models.CharField(_("tolk"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        USER, verbose_name=_("deltog"), blank=True, related_name="network_map_versions"
    )
    others_present = models.CharField(_("andre der deltog"), max_length=300, blank=True)
    note = models.TextField(_("bemærkning"), blank=True)
    snapshot = models.JSONField(_("kortet"), default=list, editable=False)
    recorded_at = models.DateTimeField(_("registreret"), default=timezone.now)
    recorded_by = optional_link(USER, _("registreret af"), blank=False)

    class Meta:
        verbose_name = _("version af netværkskort")
        verbose_name_plural = _("versioner af netværkskort")
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="borgerforloeb_networkversion_number"),
            models.CheckConstraint(
                condition=~Q(citizen_participation="interpreter") | Q(interpreter_name__regex=r"\S"),
                name="borgerforloeb_networkversion_interpreter_named",
            ),
        ]

    def __str__(self):
        return str(_("Version %(number)s") % {"number": self.number})
