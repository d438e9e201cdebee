"""The offer directory, shaped after Open Referral's HSDS 3.0 (an offer is an HSDS service)."""

import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samarbejde.models import Municipality, Organisation


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
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        verbose_name = _("tilbud")
        verbose_name_plural = _("tilbud")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("tilbud:offer_detail", kwargs={"pk": self.pk})
