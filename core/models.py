import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import Role, has_role


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
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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

