import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import Role, has_role

_TRAILING_ORDER = ("created_at", "updated_at", "created_by")


def optional_link(to, verbose_name, *, blank=True, related_name="+", **options):
    """A link that may be empty and is emptied when the row it points to is deleted (who
    recorded, changed or answered something; the invitation or meeting it came from).
    ``options``: the foreign key's other options (``help_text``, ``editable``)."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=blank,
        on_delete=models.SET_NULL,
        related_name=related_name,
        **options,
    )


class _TrailingFields(models.Model):
    """An abstract base whose fields come after the fields of the model that uses it, as if they
    were written at the end of its class body: forms, Django admin and the citizen's data export
    list a model's fields in this order, and they keep showing "oprettet"/"ændret" last."""

    class Meta:
        abstract = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Django orders fields by creation_counter and copies an abstract base's fields with
        # theirs; number them after the fields of the class body being built.
        inherited = {}
        for base in cls.__mro__[1:]:
            if issubclass(base, _TrailingFields) and base is not _TrailingFields:
                for field in base._meta.local_fields:
                    inherited.setdefault(field.name, field)
        for field in sorted(inherited.values(), key=lambda f: _TRAILING_ORDER.index(f.name)):
            field.creation_counter = models.Field.creation_counter
            models.Field.creation_counter += 1


class CreatedAt(_TrailingFields):
    """When the row was created."""

    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        abstract = True


class UpdatedAt(_TrailingFields):
    """When the row was last saved."""

    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        abstract = True


class TimeStamped(CreatedAt, UpdatedAt):
    """``created_at`` and ``updated_at``, in that order."""

    class Meta:
        abstract = True


class CreatedBy(_TrailingFields):
    """Who created the row; kept (as empty) when that user is deleted."""

    created_by = optional_link(settings.AUTH_USER_MODEL, _("oprettet af"))

    class Meta:
        abstract = True


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: staff of municipalities, providers and voluntary organisations.

    Organisation membership lives in ``samarbejde.Membership`` (a person may belong to several).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    full_name = models.CharField(_("fulde navn"), max_length=200)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    language = models.CharField(
        _("foretrukket sprog"), max_length=8, choices=settings.LANGUAGES, default="da"
    )
    is_staff = models.BooleanField(
        _("adgang til administration"),
        default=False,
        help_text=_("Må logge ind i Django-administrationen."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    date_joined = models.DateTimeField(_("oprettet"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("bruger")
        verbose_name_plural = _("brugere")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="core_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def has_role(self, role: Role) -> bool:
        return has_role(self, role)

    @property
    def is_caseworker(self):
        return has_role(self, Role.CASEWORKER)

    @property
    def is_coordinator(self):
        return has_role(self, Role.COORDINATOR)

    @property
    def is_volunteer(self):
        return has_role(self, Role.VOLUNTEER)

    @property
    def is_administrator(self):
        return has_role(self, Role.ADMINISTRATOR)


class AuditEvent(models.Model):
    """Append-only record of a write or a sensitive read.

    ``case_id`` names the citizen case the event concerns (when any) so a case can show
    "who has looked at this case" without this app knowing the case model.
    Never store CPR numbers here: services pass changes through ``core.audit.redact``.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Oprettet")
        UPDATE = "update", _("Ændret")
        DELETE = "delete", _("Slettet")
        VIEW = "view", _("Læst")
        SHOW_CPR = "show_cpr", _("Viste CPR-nummer")
        EXPORT = "export", _("Eksporteret")
        LOGIN = "login", _("Logget ind")
        OTHER = "other", _("Andet")

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    actor = optional_link(settings.AUTH_USER_MODEL, _("bruger"))
    action = models.CharField(_("handling"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("objekttype"), max_length=100)
    object_id = models.CharField(_("objekt-id"), max_length=64)
    object_repr = models.CharField(_("objekt"), max_length=200, blank=True)
    case_id = models.UUIDField(_("forløb"), null=True, blank=True)
    changes = models.JSONField(_("ændringer"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adresse"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("logpost")
        verbose_name_plural = _("adgangs- og ændringslog")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["case_id", "-at"], name="core_audit_case_at"),
            models.Index(fields=["object_type", "object_id"], name="core_audit_object"),
            models.Index(fields=["actor", "-at"], name="core_audit_actor_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)


# --- Outbox of background jobs (reliability; see core/queue.py and core/outbox.py) -----------------


class OutboxJob(models.Model):
    """A Celery task waiting to be handed to the broker.

    Written in the same transaction as the data the job is about, so a job is never lost when Redis
    is down: after commit it is sent at once, and when that fails ``core.outbox.flush_outbox`` (run
    by Celery beat and by ``manage.py flush_outbox``) sends it once Redis is back. A row is deleted
    as soon as the broker has accepted the task.
    """

    id = models.BigAutoField(primary_key=True)
    task = models.CharField(_("opgave"), max_length=200)
    args = models.JSONField(_("argumenter"), default=list, blank=True)
    kwargs = models.JSONField(_("navngivne argumenter"), default=dict, blank=True)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(_("forsøg"), default=0)
    last_error = models.CharField(_("seneste fejl"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ventende baggrundsopgave")
        verbose_name_plural = _("ventende baggrundsopgaver")
        ordering = ["id"]

    def __str__(self):
        return f"{self.task} #{self.pk}"


class NotificationKind(models.TextChoices):
    TASK_DUE_SOON = "task_due_soon", _("Opgave snart forfalden")
    TASK_OVERDUE = "task_overdue", _("Opgave overskredet")
    MEETING_TOMORROW = "meeting_tomorrow", _("Møde i morgen")
    COORDINATOR_ASSIGNED = "coordinator_assigned", _("Ny tovholder")
    HANDOVER = "handover", _("Overdragelse af tovholderfunktion")
    PLAN_REVIEW_DUE = "plan_review_due", _("Handleplan skal revideres")
    CASE_INACTIVE = "case_inactive", _("Forløb uden aktivitet")
    CONSENT_EXPIRING = "consent_expiring", _("Samtykke udløber snart")
    OFFER_UNVERIFIED = "offer_unverified", _("Tilbud ikke bekræftet")
    FRAMEWORK_REVIEW_DUE = "framework_review_due", _("Plan eller arbejdsgang skal revideres")
    REFERRAL_NEW = "referral_new", _("Ny henvisning")
    REFERRAL_ANSWERED = "referral_answered", _("Henvisning besvaret")
    CITIZEN_MESSAGE = "citizen_message", _("Besked fra borgeren")
    FORUM_ACTION_ASSIGNED = "forum_action_assigned", _("Opgave fra forum tildelt")
    FORUM_ACTION_OVERDUE = "forum_action_overdue", _("Opgave fra forum overskredet")
    INTERPRETER_NOT_BOOKED = "interpreter_not_booked", _("Tolk ikke bestilt")
    EMAIL_UNDELIVERABLE = "email_undeliverable", _("Påmindelse kunne ikke e-mailes")
    ACCESS_QUESTION = "access_question", _("Borgeren spørger om en adgang")
    TEST = "test", _("Test-påmindelse")


class Notification(models.Model):
    """One reminder to one person about one event, at most once per due date.

    The unique constraint on (kind, event_key, recipient, due_date) is what makes a retried or
    doubly scheduled scan create (and so send) nothing twice. Subject and body hold only what is
    needed to act after logging in: never a CPR number, health or social details or a surname.
    """

    class EmailStatus(models.TextChoices):
        QUEUED = "queued", _("I kø")
        SENT = "sent", _("Sendt")
        FAILED = "failed", _("Fejlet")
        NOT_APPLICABLE = "not_applicable", _("Ingen e-mail")
        DIGEST = "digest", _("Venter på daglig oversigt")

    Kind = NotificationKind

    id = models.BigAutoField(primary_key=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modtager"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # core_notif_recipient_created (recipient, created_at) serves recipient lookups
    )
    kind = models.CharField(_("type"), max_length=32, choices=NotificationKind.choices)
    event_key = models.CharField(_("hændelse"), max_length=120)
    due_date = models.DateField(_("dato"))
    subject = models.CharField(_("emne"), max_length=200)
    body = models.TextField(_("tekst"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    read_at = models.DateTimeField(_("læst"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mailstatus"), max_length=20, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    email_attempts = models.PositiveSmallIntegerField(_("afsendelsesforsøg"), default=0)
    email_sent_at = models.DateTimeField(_("e-mail sendt"), null=True, blank=True)
    email_enqueued_at = models.DateTimeField(_("sat i kø"), null=True, blank=True)
    last_error = models.CharField(_("seneste fejl"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("påmindelse")
        verbose_name_plural = _("påmindelser")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "event_key", "recipient", "due_date"], name="core_notification_once"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="core_notif_recipient_created"),
            models.Index(
                fields=["recipient"], name="core_notif_unread", condition=models.Q(read_at__isnull=True)
            ),
            models.Index(
                fields=["email_status", "email_enqueued_at"],
                name="core_notif_pending",
                condition=models.Q(email_status__in=["queued", "digest"]),
            ),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_read(self):
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How a person wants reminders: at once or in one daily e-mail, and which kinds to mute."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("Med det samme")
        DIGEST = "digest", _("Én daglig oversigt")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
        primary_key=True,
    )
    mode = models.CharField(_("e-mail"), max_length=20, choices=Mode.choices, default=Mode.IMMEDIATE)
    muted_kinds = ArrayField(
        models.CharField(max_length=32, choices=NotificationKind.choices),
        verbose_name=_("fravalgte påmindelser"),
        default=list,
        blank=True,
    )

    class Meta:
        verbose_name = _("påmindelsesindstilling")
        verbose_name_plural = _("påmindelsesindstillinger")

    def __str__(self):
        return str(self.user)
