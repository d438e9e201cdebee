"""Summary tables of the reports: aggregates only, never a case, citizen or person.

One ``MonthlyFigures`` row per municipality (empty: the whole country) × month × target group
("" = all) × organisation kind ("" = all). Case figures live in the rows whose organisation kind
is "" (a case has no organisation kind); referral figures in every row (by the receiving
organisation's kind). ``rapporter.services.compute`` fills them; the report pages read only them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from samarbejde.models import Municipality


class MonthlyFigures(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Tom: hele landet."),
    )
    month = models.DateField(_("måned"))
    target_group = models.CharField(_("målgruppe"), max_length=30, blank=True)
    organisation_kind = models.CharField(_("organisationstype"), max_length=20, blank=True)

    # Model fidelity: the cases open at the end of the month, and what holds for them then.
    open_cases = models.PositiveIntegerField(default=0)
    with_coordinator = models.PositiveIntegerField(default=0)
    plan_accepted = models.PositiveIntegerField(default=0)
    attention_assessed = models.PositiveIntegerField(default=0)
    review_overdue = models.PositiveIntegerField(default=0)
    inactive_90_days = models.PositiveIntegerField(default=0)
    # Events in the month.
    first_coordinator_cases = models.PositiveIntegerField(default=0)
    first_coordinator_days_median = models.FloatField(null=True, blank=True)
    accepted_present = models.PositiveIntegerField(default=0)
    accepted_phone = models.PositiveIntegerField(default=0)
    accepted_interpreter = models.PositiveIntegerField(default=0)
    interpreter_needed = models.PositiveIntegerField(default=0)
    interpreter_booked = models.PositiveIntegerField(default=0)
    # Cooperation: referrals sent in the month and where they stand; answers given in the month.
    referrals_sent = models.PositiveIntegerField(default=0)
    referrals_accepted = models.PositiveIntegerField(default=0)
    referrals_declined = models.PositiveIntegerField(default=0)
    referrals_unanswered = models.PositiveIntegerField(default=0)
    # Of the declined ones, by the kind of reason chosen (``Effort.DeclineKind``); the rest were
    # declined before the kind was recorded.
    declined_no_capacity = models.PositiveIntegerField(default=0, db_default=0)
    declined_outside_target_group = models.PositiveIntegerField(default=0, db_default=0)
    declined_citizen_declined = models.PositiveIntegerField(default=0, db_default=0)
    declined_not_reachable = models.PositiveIntegerField(default=0, db_default=0)
    declined_other = models.PositiveIntegerField(default=0, db_default=0)
    answers = models.PositiveIntegerField(default=0)
    answer_days_median = models.FloatField(null=True, blank=True)
    # The framework, measured in the month it was computed (kept for earlier months).
    offers_in_use = models.PositiveIntegerField(default=0)
    offers_verified = models.PositiveIntegerField(default=0)
    # Communication channels and framework documents (plans and workflows), and those past their
    # review date: framework data, measured like the offers.
    channels = models.PositiveIntegerField(default=0, db_default=0)
    channels_review_overdue = models.PositiveIntegerField(default=0, db_default=0)
    framework_documents = models.PositiveIntegerField(default=0, db_default=0)
    framework_documents_review_overdue = models.PositiveIntegerField(default=0, db_default=0)
    # Transfers between municipalities answered in the month: out of and into the municipality
    # (accepted), declined by the receiving municipality (sent by / received by this one), and the
    # days from start to acceptance of those received (the country: every transfer once).
    transfers_out = models.PositiveIntegerField(default=0, db_default=0)
    transfers_in = models.PositiveIntegerField(default=0, db_default=0)
    transfers_out_declined = models.PositiveIntegerField(default=0, db_default=0)
    transfers_in_declined = models.PositiveIntegerField(default=0, db_default=0)
    transfer_days_median = models.FloatField(null=True, blank=True)

    computed_at = models.DateTimeField(_("beregnet"))

    class Meta:
        verbose_name = _("månedstal")
        verbose_name_plural = _("månedstal")
        ordering = ["month"]
        permissions = [("view_national", _("Kan se de nationale rapporter (alle kommuner)"))]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "month", "target_group", "organisation_kind"],
                name="rapporter_monthlyfigures_one_per_cell",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=models.Q(with_coordinator__lte=models.F("open_cases"))
                & models.Q(plan_accepted__lte=models.F("open_cases"))
                & models.Q(attention_assessed__lte=models.F("open_cases")),
                name="rapporter_monthlyfigures_parts_of_open",
            ),
        ]
        indexes = [models.Index(fields=["month", "target_group", "organisation_kind"], name="rap_month_dims")]

    def __str__(self):
        return f"{self.municipality or _('Hele landet')} {self.month:%Y-%m}"


class ReportRun(models.Model):
    """One computation of the summary tables: the next run recomputes what changed since."""

    started_at = models.DateTimeField(_("startet"))
    finished_at = models.DateTimeField(_("færdig"), null=True, blank=True)
    first_month = models.DateField(_("første måned beregnet"), null=True, blank=True)
    months = models.PositiveIntegerField(_("måneder beregnet"), default=0)

    class Meta:
        verbose_name = _("rapportkørsel")
        verbose_name_plural = _("rapportkørsler")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M}"
