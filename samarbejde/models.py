"""Level 1 of the cooperation model: municipalities, organisations, units and people."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    """A Danish municipality: the top-level tenant of the portal's data."""

    name = models.CharField(_("navn"), max_length=100, unique=True)
    slug = models.SlugField(_("kortnavn"), max_length=100, unique=True)
    code = models.CharField(_("kommunekode"), max_length=3, unique=True)

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("samarbejde:municipality_detail", kwargs={"slug": self.slug})


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def for_user(self, user):
        """Organisations the user is a member of."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(memberships__user=user).distinct()


class Organisation(models.Model):
    """An actor in the effort (HSDS: organization). One table for the whole portal."""

    class Kind(models.TextChoices):
        MUNICIPAL = "kommunal", _("Kommunal")
        PRIVATE = "privat", _("Privat")
        VOLUNTARY = "frivillig", _("Frivillig")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("navn"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
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
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="samarbejde_organisation_unique_name"
            ),
            models.CheckConstraint(
                condition=models.Q(cvr="") | models.Q(cvr__regex=r"^[0-9]{8}$"),
                name="samarbejde_organisation_cvr_8_digits",
            ),
        ]

    def __str__(self):
        return self.name


class Unit(models.Model):
    """A department or team inside an organisation (forvaltning / afdeling)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="units"
    )
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)

    class Meta:
        verbose_name = _("enhed")
        verbose_name_plural = _("enheder")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="samarbejde_unit_unique_name")
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})"


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
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("enhed"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    title = models.CharField(_("stillingsbetegnelse"), max_length=200, blank=True)
    contact_about = models.CharField(_("kan kontaktes om"), max_length=300, blank=True)
    is_key_contact = models.BooleanField(_("nøgleperson"), default=False)

    class Meta:
        verbose_name = _("medlemskab")
        verbose_name_plural = _("medlemskaber")
        ordering = ["organisation__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="samarbejde_membership_unique")
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation}"
