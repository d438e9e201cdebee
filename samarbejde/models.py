"""Level 1 of the cooperation model: municipalities, organisations, units and people."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import CreatedAt, TimeStamped, UpdatedAt, optional_link
from core.roles import Role, has_role
from samarbejde.markup import render_markdown


class MunicipalityQuerySet(models.QuerySet):
    def administered_by(self, user):
        """The municipalities whose framework ``user`` may edit: the rule ``samarbejde.access`` states.

        Administrators (the role) with a membership in an active municipal organisation of the
        municipality; superusers administer every municipality.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if not has_role(user, Role.ADMINISTRATOR):
            return self.none()
        return self.filter(
            organisations__memberships__user=user,
            organisations__kind=Organisation.Kind.MUNICIPAL,
            organisations__archived_at__isnull=True,
        ).distinct()


class MunicipalityScopedQuerySet(models.QuerySet):
    """QuerySet of a model that belongs to one municipality (through ``municipality_lookup``)."""

    municipality_lookup = "municipality"

    def for_municipality(self, municipality):
        return self.filter(**{self.municipality_lookup: municipality})

    def editable_by(self, user):
        """Rows of the municipalities ``user`` administers (all rows for superusers)."""
        if getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        administered = Municipality.objects.administered_by(user)
        return self.filter(**{f"{self.municipality_lookup}__in": administered.values("pk")})


class Municipality(models.Model):
    """A Danish municipality: the top-level tenant of the portal's data."""

    name = models.CharField(_("navn"), max_length=100, unique=True)
    slug = models.SlugField(_("kortnavn"), max_length=100, unique=True)
    code = models.CharField(_("kommunekode"), max_length=3, unique=True)
    # The municipality's data protection contact: shown to citizens in Mit forløb and told when a
    # citizen asks about an access to their case ("Hvem har set mit forløb").
    dpo_name = models.CharField(_("databeskyttelsesrådgiver"), max_length=200, blank=True, db_default="")
    dpo_email = models.EmailField(_("databeskyttelsesrådgiverens e-mail"), blank=True, db_default="")
    dpo_user = optional_link(
        settings.AUTH_USER_MODEL,
        _("databeskyttelsesrådgiver i portalen"),
        help_text=_("Får besked i portalen, når en borger spørger om en adgang til sit forløb."),
    )
    interpreter_notice_days = models.PositiveSmallIntegerField(
        _("tolk bestilles senest (arbejdsdage før mødet)"),
        default=5,
        db_default=5,
        validators=[MaxValueValidator(20)],
        help_text=_(
            "Mødets arrangør får besked, hvis tolken ikke er bestilt så mange arbejdsdage før mødet."
        ),
    )
    logo = models.ImageField(
        _("logo"),
        upload_to="kommuner/logoer/",
        blank=True,
        db_default="",
        help_text=_("PNG eller JPEG. Vises på de udskrifter og PDF'er, der laves fra et borgerforløb."),
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("samarbejde:municipality_detail", kwargs={"slug": self.slug})


def municipality_link(related_name, *, verbose_name=None, **options):
    """The municipality a row belongs to (a municipality with rows is not deleted); ``options``:
    the foreign key's other options."""
    return models.ForeignKey(
        Municipality,
        verbose_name=verbose_name or _("kommune"),
        on_delete=models.PROTECT,
        related_name=related_name,
        **options,
    )


class OrganisationQuerySet(MunicipalityScopedQuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def for_user(self, user):
        """Organisations the user is a member of."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(memberships__user=user).distinct()


class Organisation(TimeStamped):
    """An actor in the effort (HSDS: organization). One table for the whole portal."""

    class Kind(models.TextChoices):
        MUNICIPAL = "kommunal", _("Kommunal")
        PRIVATE = "privat", _("Privat")
        VOLUNTARY = "frivillig", _("Frivillig")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("navn"), max_length=200)
    municipality = municipality_link("organisations")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("beskrivelse"), blank=True)
    role_in_effort = models.TextField(
        _("rolle i indsatsen"),
        blank=True,
        help_text=_("Hvad organisationen bidrager med i samarbejdet om målgruppen."),
    )
    website = models.URLField(_("hjemmeside"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    cvr = models.CharField(_("CVR-nummer"), max_length=8, blank=True)
    archived_at = models.DateTimeField(_("arkiveret"), null=True, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="samarbejde_organisation_unique_name"
            ),
            models.UniqueConstraint(
                "municipality", Lower("name"), name="samarbejde_organisation_unique_name_ci"
            ),
            models.CheckConstraint(
                condition=models.Q(cvr="") | models.Q(cvr__regex=r"^[0-9]{8}$"),
                name="samarbejde_organisation_cvr_8_digits",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "samarbejde:organisation_detail", kwargs={"slug": self.municipality.slug, "pk": self.pk}
        )

    @property
    def is_archived(self):
        return self.archived_at is not None


class UnitQuerySet(MunicipalityScopedQuerySet):
    municipality_lookup = "organisation__municipality"


class Unit(models.Model):
    """A department or team inside an organisation (forvaltning / afdeling)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="units"
    )
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("enhed")
        verbose_name_plural = _("enheder")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="samarbejde_unit_unique_name")
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})"


class MembershipQuerySet(MunicipalityScopedQuerySet):
    municipality_lookup = "organisation__municipality"


class Membership(models.Model):
    """A person's place in an organisation: role title and what to contact them about."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    unit = optional_link(Unit, _("enhed"), related_name="memberships")
    title = models.CharField(_("stillingsbetegnelse"), max_length=200, blank=True)
    contact_about = models.CharField(_("kan kontaktes om"), max_length=300, blank=True)
    is_key_contact = models.BooleanField(_("nøgleperson"), default=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("medlemskab")
        verbose_name_plural = _("medlemskaber")
        ordering = ["organisation__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="samarbejde_membership_unique")
        ]
        indexes = [
            # The municipality page counts and lists key contacts, a few among many members.
            models.Index(
                fields=["organisation"],
                condition=models.Q(is_key_contact=True),
                name="samarbejde_membership_key",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation}"


class ChannelQuerySet(MunicipalityScopedQuerySet):
    def search(self, query):
        """Channels whose topic, description, responsible or contact details match ``query``."""
        query = (query or "").strip()
        if not query:
            return self
        condition = models.Q()
        for word in query.split():
            condition &= (
                models.Q(topic__icontains=word)
                | models.Q(description__icontains=word)
                | models.Q(contact_details__icontains=word)
                | models.Q(organisation__name__icontains=word)
                | models.Q(unit__name__icontains=word)
                | models.Q(contact_person__user__full_name__icontains=word)
                | models.Q(municipality__name__icontains=word)
            )
        return self.filter(condition)

    def with_related(self):
        return self.select_related(
            "municipality",
            "organisation",
            "unit__organisation",
            "contact_person__user",
            "contact_person__organisation",
        )


class Channel(UpdatedAt):
    """A communication path: who to contact about what, how and when (kommunikationsvej)."""

    class Way(models.TextChoices):
        PHONE = "telefon", _("Telefon")
        SECURE_EMAIL = "sikker_mail", _("Sikker e-mail")
        WALK_IN = "personligt", _("Personligt fremmøde")
        MEETING = "moede", _("Møde")

    municipality = municipality_link("channels")
    topic = models.CharField(_("emne"), max_length=200, help_text=_("F.eks. Bestilling af tolk."))
    description = models.TextField(_("beskrivelse"), blank=True)
    organisation = optional_link(Organisation, _("ansvarlig organisation"), related_name="channels")
    unit = optional_link(Unit, _("ansvarlig enhed"), related_name="channels")
    contact_person = optional_link(Membership, _("ansvarlig person"), related_name="channels")
    way = models.CharField(_("kontaktform"), max_length=20, choices=Way.choices)
    contact_details = models.TextField(
        _("kontaktoplysninger"), help_text=_("Telefonnummer, sikker e-mailadresse eller adresse.")
    )
    opening_hours = models.CharField(_("åbningstider"), max_length=300, blank=True)
    fallback = models.TextField(
        _("hvis du ikke kommer igennem"),
        blank=True,
        help_text=_("Hvem du kontakter uden for åbningstid, eller hvis den ansvarlige ikke svarer."),
    )
    review_due = models.DateField(
        _("gennemgås senest"),
        null=True,
        blank=True,
        help_text=_("Hvornår kommunikationsvejen senest skal gennemgås og bekræftes."),
    )

    objects = ChannelQuerySet.as_manager()

    class Meta:
        verbose_name = _("kommunikationsvej")
        verbose_name_plural = _("kommunikationsveje")
        ordering = ["municipality__name", "topic"]
        constraints = [
            models.UniqueConstraint(
                "municipality", Lower("topic"), "way", name="samarbejde_channel_unique_topic_way"
            )
        ]

    def __str__(self):
        return f"{self.topic} ({self.municipality})"

    @property
    def responsible_display(self):
        if self.contact_person_id:
            return str(self.contact_person.user)
        if self.unit_id:
            return str(self.unit)
        if self.organisation_id:
            return str(self.organisation)
        return ""


class Forum(models.Model):
    """A standing cooperation forum, e.g. a quarterly network meeting of all actors."""

    class Cadence(models.TextChoices):
        WEEKLY = "ugentlig", _("Ugentligt")
        MONTHLY = "maanedlig", _("Månedligt")
        QUARTERLY = "kvartalsvis", _("Kvartalsvis")
        HALF_YEARLY = "halvaarlig", _("Halvårligt")
        YEARLY = "aarlig", _("Årligt")
        AD_HOC = "efter_behov", _("Efter behov")

    municipality = municipality_link("forums")
    name = models.CharField(_("navn"), max_length=200)
    purpose = models.TextField(_("formål"), blank=True)
    cadence = models.CharField(_("mødekadence"), max_length=20, choices=Cadence.choices)
    member_organisations = models.ManyToManyField(
        Organisation, verbose_name=_("deltagende organisationer"), related_name="forums", blank=True
    )
    member_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("deltagere"), related_name="forums", blank=True
    )

    objects = MunicipalityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("fora")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint("municipality", Lower("name"), name="samarbejde_forum_unique_name_ci")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("samarbejde:forum_detail", kwargs={"slug": self.municipality.slug, "pk": self.pk})


class ForumMeetingQuerySet(MunicipalityScopedQuerySet):
    municipality_lookup = "forum__municipality"


class ForumMeeting(models.Model):
    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.CASCADE, related_name="meetings"
    )
    date = models.DateTimeField(_("tidspunkt"))
    place = models.CharField(_("sted"), max_length=200, blank=True)
    agenda = models.TextField(_("dagsorden"), blank=True)
    minutes = models.TextField(_("referat"), blank=True)

    objects = ForumMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("forummøde")
        verbose_name_plural = _("forummøder")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.forum} {timezone.localtime(self.date):%d.%m.%Y}"


class ForumActionQuerySet(MunicipalityScopedQuerySet):
    municipality_lookup = "meeting__forum__municipality"

    def open(self):
        return self.filter(status=ForumAction.Status.OPEN)

    def open_for(self, user):
        """Open actions from forum minutes that ``user`` is responsible for, soonest due first."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return (
            self.open()
            .filter(responsible=user)
            .select_related("meeting__forum__municipality")
            .order_by("due_date", "pk")
        )


class ForumAction(CreatedAt):
    """A task agreed in a forum meeting: one responsible person and a due date (handleansvar)."""

    class Status(models.TextChoices):
        OPEN = "aaben", _("Åben")
        DONE = "udfoert", _("Udført")
        CANCELLED = "annulleret", _("Annulleret")

    meeting = models.ForeignKey(
        ForumMeeting, verbose_name=_("møde"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("opgave"), max_length=300)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ansvarlig"),
        on_delete=models.PROTECT,
        related_name="forum_actions",
    )
    due_date = models.DateField(_("frist"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)

    objects = ForumActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("opgave fra forum")
        verbose_name_plural = _("opgaver fra fora")
        ordering = ["due_date", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        forum = self.meeting.forum
        return reverse("samarbejde:forum_detail", kwargs={"slug": forum.municipality.slug, "pk": forum.pk})

    @property
    def is_overdue(self):
        return self.status == self.Status.OPEN and self.due_date < timezone.localdate()


class WorkToolQuerySet(MunicipalityScopedQuerySet):
    def visible_in(self, municipality):
        """Common tools (no municipality) plus the municipality's own."""
        return self.filter(models.Q(municipality__isnull=True) | models.Q(municipality=municipality))


class WorkTool(UpdatedAt):
    """One of the model's work tools, as a template the portal can fill in for a case."""

    class Kind(models.TextChoices):
        CONSENT = "samtykke", _("Samtykkeerklæring")
        NETWORK_MAP = "netvaerkskort", _("Netværkskort")
        OVERVIEW = "indsatsoverblik", _("Indsatsoverblik")
        GOALS = "maal_og_aftaler", _("Mål- og aftaleskema")
        OTHER = "andet", _("Andet")

    municipality = municipality_link(
        "work_tools", null=True, blank=True, help_text=_("Tom: fælles redskab for alle kommuner.")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    template_body = models.TextField(
        _("skabelon"),
        blank=True,
        help_text=_("Teksten der udfyldes for et borgerforløb. Felter skrives som {felt}."),
    )

    objects = WorkToolQuerySet.as_manager()

    class Meta:
        verbose_name = _("arbejdsredskab")
        verbose_name_plural = _("arbejdsredskaber")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                "municipality",
                Lower("name"),
                name="samarbejde_worktool_unique_name_ci",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("samarbejde:worktool_detail", kwargs={"pk": self.pk})


def guidance_upload_to(instance, filename):
    return f"vejledninger/{uuid.uuid4().hex}/{filename}"


class GuidanceDocumentQuerySet(MunicipalityScopedQuerySet):
    municipality_lookup = "work_tool__municipality"


class GuidanceDocument(models.Model):
    """An uploaded guidance document (PDF or DOCX) for a work tool."""

    work_tool = models.ForeignKey(
        WorkTool, verbose_name=_("arbejdsredskab"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("titel"), max_length=200)
    file = models.FileField(_("fil"), upload_to=guidance_upload_to, max_length=300)
    content_type = models.CharField(_("filtype"), max_length=100, editable=False)
    size = models.PositiveBigIntegerField(_("størrelse"), editable=False, default=0)
    uploaded_by = optional_link(settings.AUTH_USER_MODEL, _("uploadet af"), blank=False, editable=False)
    uploaded_at = models.DateTimeField(_("uploadet"), auto_now_add=True)

    objects = GuidanceDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("vejledning")
        verbose_name_plural = _("vejledninger")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("samarbejde:document_download", kwargs={"pk": self.pk})


class KnowledgePage(models.Model):
    """A knowledge page in Markdown: the target group, Greenlandic culture and language, newcomers."""

    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("kortnavn"), max_length=200, unique=True)
    summary = models.CharField(_("kort beskrivelse"), max_length=300, blank=True)
    body = models.TextField(_("indhold"), help_text=_("Skrives i Markdown."))
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)
    updated_by = optional_link(settings.AUTH_USER_MODEL, _("ændret af"), editable=False)

    class Meta:
        verbose_name = _("videnside")
        verbose_name_plural = _("videnssider")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("samarbejde:knowledge_detail", kwargs={"slug": self.slug})

    def body_html(self):
        from samarbejde.markup import render_markdown

        return render_markdown(self.body)


class FrameworkDocumentQuerySet(MunicipalityScopedQuerySet):
    pass


class FrameworkDocument(UpdatedAt):
    """One of the framework's plans or workflows (model level 1: "planer" and "arbejdsgange"):
    kept per municipality in numbered versions, with an owner who is reminded before the review
    date (``samarbejde.reminders``)."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("Plan")
        WORKFLOW = "arbejdsgang", _("Arbejdsgang")

    municipality = municipality_link("framework_documents")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titel"), max_length=200)
    summary = models.CharField(_("kort beskrivelse"), max_length=300, blank=True)
    owner = optional_link(
        settings.AUTH_USER_MODEL,
        _("ejer"),
        blank=False,
        help_text=_("Den der holder dokumentet opdateret og får påmindelsen om revision."),
    )
    review_date = models.DateField(_("revideres senest"))

    objects = FrameworkDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan eller arbejdsgang")
        verbose_name_plural = _("planer og arbejdsgange")
        ordering = ["kind", "title"]
        constraints = [
            models.UniqueConstraint(
                "municipality", Lower("title"), name="samarbejde_frameworkdocument_unique_title_ci"
            ),
            models.CheckConstraint(
                condition=models.Q(title__regex=r"\S"), name="samarbejde_frameworkdocument_title"
            ),
        ]
        indexes = [models.Index(fields=["review_date"], name="sam_frameworkdoc_review")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "samarbejde:framework_document", kwargs={"slug": self.municipality.slug, "pk": self.pk}
        )

    def is_due(self, today=None) -> bool:
        return self.review_date <= (today or timezone.localdate())


class FrameworkDocumentVersionQuerySet(MunicipalityScopedQuerySet):
    municipality_lookup = "document__municipality"


class FrameworkDocumentVersion(CreatedAt):
    """One version of a plan or workflow; the newest number is the one in force."""

    document = models.ForeignKey(
        FrameworkDocument, verbose_name=_("dokument"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("versionsnummer"), editable=False)
    body = models.TextField(_("indhold"), help_text=_("Skrives i Markdown."))
    change_note = models.CharField(_("hvad er ændret"), max_length=300, blank=True)
    created_by = optional_link(settings.AUTH_USER_MODEL, _("oprettet af"), editable=False)

    objects = FrameworkDocumentVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version af plan eller arbejdsgang")
        verbose_name_plural = _("versioner af planer og arbejdsgange")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="samarbejde_frameworkdocversion_number"
            ),
            models.CheckConstraint(
                condition=models.Q(body__regex=r"\S"), name="samarbejde_frameworkdocversion_body"
            ),
        ]

    def __str__(self):
        return str(_("Version %(number)s") % {"number": self.number})

    def save(self, *args, **kwargs):
        if not self.number:
            latest = FrameworkDocumentVersion.objects.filter(document_id=self.document_id).aggregate(
                n=models.Max("number")
            )["n"]
            self.number = (latest or 0) + 1
        super().save(*args, **kwargs)

    def body_html(self):
        return render_markdown(self.body)
