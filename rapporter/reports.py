"""The report pages' content: tables of aggregates with every small or derivable cell hidden.

Reads only the summary tables (``MonthlyFigures``; two queries per page whatever the data size).
Every number a page publishes is a key in one ``Disclosure`` with the additive equations between
them (parts and their whole, months and the period, municipalities and the country), so
``suppression.suppress`` hides the cells under 5 and each one a published total would give away,
across all the page's tables and charts at once. Tables, charts and exports are built from the
same cells: what is hidden on the page is hidden in the CSV and XLSX too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from borgerforloeb.models import Effort
from rapporter import charts
from rapporter.compute import DECLINE_KINDS, months_between
from rapporter.models import MonthlyFigures
from rapporter.suppression import SUPPRESSED, suppress
from samarbejde.models import Municipality, Organisation

# Subsets of the cases open at the end of a month.
FIDELITY = ["with_coordinator", "plan_accepted", "attention_assessed", "review_overdue", "inactive_90_days"]
REFERRAL_PARTS = ["referrals_accepted", "referrals_declined", "referrals_unanswered"]
ACCEPTANCE_PARTS = ["accepted_present", "accepted_phone", "accepted_interpreter"]
# Transfers answered in a month, seen from one municipality (the country: each transfer once, so
# its "in" and "out" are the same number and share one key).
TRANSFER_PARTS = ["transfers_out", "transfers_in", "transfers_out_declined", "transfers_in_declined"]
NOT_STATED = "not_stated"  # declined before the kind of reason was recorded
NO_RECEIVER = "-"  # referrals without a receiving organisation (all kinds minus the three)


def labels():
    return {
        "open_cases": _("Åbne forløb ved månedens udgang"),
        "with_coordinator": _("Med aktiv tovholder"),
        "plan_accepted": _("Med plan accepteret med borgeren"),
        "attention_assessed": _("Alle opmærksomhedspunkter vurderet"),
        "review_overdue": _("Plan over opfølgningsdato"),
        "inactive_90_days": _("Uden aktivitet i 90 dage"),
        "first_coordinator_cases": _("Fik første tovholder"),
        "first_coordinator_days_median": _("Dage fra start til første tovholder (median)"),
        "accepted_present": _("Plan accepteret: borgeren til stede"),
        "accepted_phone": _("Plan accepteret: borgeren per telefon"),
        "accepted_interpreter": _("Plan accepteret: borgeren med tolk"),
        "acceptances": _("Planer accepteret i alt"),
        "interpreter_needed": _("Møder med behov for tolk"),
        "interpreter_booked": _("Heraf tolk bestilt"),
        "referrals_sent": _("Henvisninger sendt"),
        "referrals_accepted": _("Accepteret"),
        "referrals_declined": _("Afvist"),
        "referrals_unanswered": _("Ikke besvaret"),
        "answers": _("Besvaret i måneden"),
        "answer_days_median": _("Dage til svar (median)"),
        "offers_in_use": _("Tilbud i brug"),
        "offers_verified": _("Bekræftet inden for 180 dage"),
        "transfers_out": _("Overdraget til anden kommune"),
        "transfers_in": _("Modtaget fra anden kommune"),
        "transfers_out_declined": _("Afvist af den modtagende kommune"),
        "transfers_in_declined": _("Afvist af kommunen selv"),
        "transfers": _("Overdragelser modtaget"),
        "transfers_declined": _("Overdragelser afvist"),
        "transfer_days_median": _("Dage fra start til modtagelse (median)"),
    }


def decline_kind_labels():
    return {
        **dict(Effort.DeclineKind.choices),
        NOT_STATED: _("Ikke angivet (afvist før årsagen blev registreret)"),
        "": _("Afvist i alt"),
    }


def kind_labels():
    return {**dict(Organisation.Kind.choices), "": _("Alle typer"), NO_RECEIVER: _("Uden modtager")}


# --- Cells and the equations between them ----------------------------------------------------------


@dataclass
class Cell:
    text: str
    value: float | None = None  # None when hidden or not a number
    hidden: bool = False
    is_count: bool = True  # a number of cases (medians and percentages are not)


@dataclass
class Table:
    slug: str
    title: str
    header: list[str]
    rows: list[tuple[str, list[Cell]]]
    note: str = ""


@dataclass
class Chart:
    title: str
    svg: str
    summary: str
    table: Table


@dataclass
class Report:
    title: str
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def all_tables(self) -> list[Table]:
        return [chart.table for chart in self.charts] + self.tables


class Disclosure:
    """The numbers one page publishes and the sums among them."""

    def __init__(self):
        self.values: dict = {}
        self.lines: list[list] = []
        self.totals: set = set()
        self.hidden: set | None = None

    def count(self, key, value) -> tuple:
        self.values[key] = int(value or 0)
        return key

    def part(self, key, value, whole) -> tuple:
        """``key`` is part of ``whole`` (already counted): the rest is derivable, so it counts."""
        self.count(key, value)
        rest = ("rest", key)
        self.values[rest] = self.values[whole] - self.values[key]
        self.lines.append([key, rest, whole])
        self.totals.add(whole)
        return key

    def sum(self, parts, total):
        self.lines.append([*parts, total])
        self.totals.add(total)

    def resolve(self):
        self.hidden = suppress(self.values, self.lines, totals=self.totals)

    def shown(self, key) -> bool:
        return key not in self.hidden

    def cell(self, key) -> Cell:
        if key in self.hidden:
            return Cell(SUPPRESSED, hidden=True)
        value = self.values[key]
        return Cell(str(value), value)

    def share(self, key, whole) -> Cell:
        """Part and share: "12 (60 %)"; hidden when the part is."""
        cell = self.cell(key)
        if cell.hidden or whole in self.hidden or not self.values[whole]:
            return cell
        percent = round(100 * self.values[key] / self.values[whole])
        return Cell(f"{self.values[key]} ({percent} %)", self.values[key])

    def percent(self, key, whole) -> float | None:
        if key in self.hidden or whole in self.hidden or not self.values[whole]:
            return None
        return 100 * self.values[key] / self.values[whole]

    def median(self, value, n_key) -> Cell:
        if n_key in self.hidden or value is None:
            return Cell(
                SUPPRESSED if n_key in self.hidden else "–", hidden=n_key in self.hidden, is_count=False
            )
        return Cell(f"{value:.0f}", value, is_count=False)


# --- Reading the summary rows ----------------------------------------------------------------------

EMPTY = MonthlyFigures()


class Rows:
    """The summary rows of a page by (municipality id, month, organisation kind)."""

    def __init__(self, queryset):
        self.by = {(r.municipality_id, r.month, r.organisation_kind): r for r in queryset}

    def get(self, scope, month, kind="") -> MonthlyFigures:
        return self.by.get((scope, month, kind), EMPTY)


def _rows(filters, municipality=None) -> Rows:
    queryset = MonthlyFigures.objects.filter(
        month__gte=filters["start"], month__lte=filters["end"], target_group=filters["target_group"]
    )
    if municipality is not None:
        queryset = queryset.filter(municipality=municipality)
    return Rows(queryset)


def month_label(month: datetime.date) -> str:
    return date_format(month, "M Y")


# --- The parts of a page ---------------------------------------------------------------------------


def _fidelity(d: Disclosure, rows: Rows, scope, months):
    for month in months:
        row = rows.get(scope, month)
        whole = d.count((scope, month, "open_cases"), row.open_cases)
        for metric in FIDELITY:
            d.part((scope, month, metric), getattr(row, metric), whole)


def _fidelity_table(d, scope, months, title) -> Table:
    names = labels()
    return Table(
        "fidelity",
        title,
        [_("Måned"), names["open_cases"], *[names[m] for m in FIDELITY]],
        [
            (
                month_label(month),
                [
                    d.cell((scope, month, "open_cases")),
                    *[d.share((scope, month, m), (scope, month, "open_cases")) for m in FIDELITY],
                ],
            )
            for month in months
        ],
        _("Andele er af de åbne forløb ved månedens udgang."),
    )


def _events(d: Disclosure, rows: Rows, scope, months):
    for month in months:
        row = rows.get(scope, month)
        d.count((scope, month, "first_coordinator_cases"), row.first_coordinator_cases)
        needed = d.count((scope, month, "interpreter_needed"), row.interpreter_needed)
        d.part((scope, month, "interpreter_booked"), row.interpreter_booked, needed)
        parts = [d.count((scope, month, m), getattr(row, m)) for m in ACCEPTANCE_PARTS]
        total = d.count((scope, month, "acceptances"), sum(d.values[k] for k in parts))
        d.sum(parts, total)


def _events_table(d, rows, scope, months) -> Table:
    names = labels()
    columns = [
        "first_coordinator_cases",
        "first_coordinator_days_median",
        *ACCEPTANCE_PARTS,
        "acceptances",
        "interpreter_needed",
        "interpreter_booked",
    ]
    body = []
    for month in months:
        row = rows.get(scope, month)
        cells = []
        for metric in columns:
            if metric == "first_coordinator_days_median":
                cells.append(
                    d.median(row.first_coordinator_days_median, (scope, month, "first_coordinator_cases"))
                )
            else:
                cells.append(d.cell((scope, month, metric)))
        body.append((month_label(month), cells))
    return Table(
        "events",
        _("Hændelser i måneden: tovholdere, planer og tolke"),
        [_("Måned"), *[names[m] for m in columns]],
        body,
        _("Tolk bestilt: møder med behov for tolk, hvor tolken er registreret som bestilt."),
    )


def _referrals(d: Disclosure, rows: Rows, scope, months, kind):
    """Monthly referral counts of one kind and their sum over the period (an equation, too)."""
    for month in months:
        row = rows.get(scope, month, kind)
        sent = d.count((scope, month, "ref", kind, "referrals_sent"), row.referrals_sent)
        d.sum([d.count((scope, month, "ref", kind, m), getattr(row, m)) for m in REFERRAL_PARTS], sent)
        d.count((scope, month, "ref", kind, "answers"), row.answers)
    for metric in ["referrals_sent", *REFERRAL_PARTS]:
        monthly = [(scope, month, "ref", kind, metric) for month in months]
        total = d.count((scope, "period", "ref", kind, metric), sum(d.values[k] for k in monthly))
        d.sum(monthly, total)
    d.sum(
        [(scope, "period", "ref", kind, m) for m in REFERRAL_PARTS],
        (scope, "period", "ref", kind, "referrals_sent"),
    )


def _referrals_table(d, rows, scope, months, kind) -> Table:
    names = labels()
    columns = ["referrals_sent", *REFERRAL_PARTS, "answers"]
    body = []
    for month in months:
        row = rows.get(scope, month, kind)
        cells = [d.cell((scope, month, "ref", kind, m)) for m in columns]
        cells.append(d.median(row.answer_days_median, (scope, month, "ref", kind, "answers")))
        body.append((month_label(month), cells))
    body.append(
        (
            _("Hele perioden"),
            [d.cell((scope, "period", "ref", kind, m)) for m in columns[:-1]]
            + [Cell("–", is_count=False), Cell("–", is_count=False)],
        )
    )
    return Table(
        "referrals",
        _("Henvisninger per måned (%(kind)s)") % {"kind": kind_labels()[kind]},
        [_("Måned"), *[names[m] for m in columns], names["answer_days_median"]],
        body,
        _(
            "Sendt i måneden, og hvor de står nu. Afvisningernes begrundelser i fritekst indgår "
            "ikke, kun den valgte årsag (se afvisninger efter årsag)."
        ),
    )


def _declines(d: Disclosure, rows: Rows, scope, months, kind):
    """The period's declined referrals of one organisation kind by the kind of reason: they add
    up to the period's declined (already counted by ``_referrals``)."""
    key = (scope, "period", "ref", kind)
    parts = []
    for reason in DECLINE_KINDS:
        monthly = [
            d.count((scope, m, "decl", kind, reason), getattr(rows.get(scope, m, kind), f"declined_{reason}"))
            for m in months
        ]
        total = d.count((*key, "decl", reason), sum(d.values[k] for k in monthly))
        d.sum(monthly, total)
        parts.append(total)
    declined = (*key, "referrals_declined")
    rest = d.count((*key, "decl", NOT_STATED), d.values[declined] - sum(d.values[p] for p in parts))
    d.sum([*parts, rest], declined)


def _declines_table(d, scope, kind) -> Table:
    key = (scope, "period", "ref", kind)
    names = decline_kind_labels()
    body = [(names[reason], [d.cell((*key, "decl", reason))]) for reason in [*DECLINE_KINDS, NOT_STATED]]
    body.append((names[""], [d.cell((*key, "referrals_declined"))]))
    return Table(
        "declines_by_reason",
        _("Afviste henvisninger i perioden efter årsag (%(kind)s)") % {"kind": kind_labels()[kind]},
        [_("Årsag"), _("Antal")],
        body,
        _("Årsagen vælges af den modtagende organisation, når den afviser. Henvisninger sendt i perioden."),
    )


def _funnel(d, scope, kind) -> tuple:
    """Referrals answered in the period (accepted + declined), for the funnel; returns its key."""
    key = (scope, "period", "ref", kind)
    answered = d.count(
        (*key, "answered"), d.values[(*key, "referrals_accepted")] + d.values[(*key, "referrals_declined")]
    )
    d.sum([(*key, "referrals_accepted"), (*key, "referrals_declined")], answered)
    return key


def _funnel_chart(d, key) -> Chart:
    names = labels()
    steps = [
        (names["referrals_sent"], d.cell((*key, "referrals_sent"))),
        (_("Besvaret"), d.cell((*key, "answered"))),
        (names["referrals_accepted"], d.cell((*key, "referrals_accepted"))),
    ]
    table = Table(
        "funnel",
        _("Henvisninger i perioden"),
        [_("Trin"), _("Antal")],
        [(label, [cell]) for label, cell in steps],
    )
    shown = [(label, cell.value) for label, cell in steps if not cell.hidden]
    if len(shown) == len(steps) and steps[0][1].value:
        summary = _(
            "Af %(sent)s henvisninger i perioden blev %(answered)s besvaret og %(accepted)s accepteret."
        ) % {"sent": steps[0][1].text, "answered": steps[1][1].text, "accepted": steps[2][1].text}
    else:
        summary = _("For få henvisninger i perioden til at vise tragten (færre end 5 i et trin).")
    return Chart(table.title, charts.funnel(table.title, shown), summary, table)


def _trend_chart(d, scope, months, title) -> Chart:
    names = labels()
    series = []
    for metric in ["with_coordinator", "plan_accepted"]:
        points = [d.percent((scope, m, metric), (scope, m, "open_cases")) for m in months]
        series.append((names[metric], points))
    x_labels = [month_label(m) for m in months]
    table = Table(
        "trend",
        title,
        [_("Måned"), *[f"{name} (%)" for name, _points in series]],
        [
            (
                x_labels[i],
                [
                    Cell(SUPPRESSED, hidden=True) if p is None else Cell(f"{p:.0f} %", p, is_count=False)
                    for _n, pts in series
                    for p in [pts[i]]
                ],
            )
            for i in range(len(months))
        ],
    )
    return Chart(title, charts.line_chart(title, x_labels, series), _trend_summary(series, x_labels), table)


def _trend_summary(series, x_labels) -> str:
    sentences = []
    for name, points in series:
        known = [(x_labels[i], p) for i, p in enumerate(points) if p is not None]
        if len(known) >= 2:
            sentences.append(
                _("%(name)s: %(first)s %% i %(from)s og %(last)s %% i %(to)s.")
                % {
                    "name": name,
                    "first": round(known[0][1]),
                    "from": known[0][0],
                    "last": round(known[-1][1]),
                    "to": known[-1][0],
                }
            )
        elif known:
            sentences.append(
                _("%(name)s: %(value)s %% i %(month)s.")
                % {"name": name, "value": round(known[0][1]), "month": known[0][0]}
            )
        else:
            sentences.append(_("%(name)s: for få forløb til at vise andelen.") % {"name": name})
    return " ".join(sentences)


def _transfers(d: Disclosure, rows: Rows, scope, months):
    """A municipality's transfers per month and over the period (sums of the months)."""
    for metric in TRANSFER_PARTS:
        monthly = [d.count((scope, m, "tr", metric), getattr(rows.get(scope, m), metric)) for m in months]
        d.sum(monthly, d.count((scope, "period", "tr", metric), sum(d.values[k] for k in monthly)))


def _transfers_table(d, rows, scope, months) -> Table:
    names = labels()
    body = []
    for month in months:
        cells = [d.cell((scope, month, "tr", m)) for m in TRANSFER_PARTS]
        cells.append(
            d.median(rows.get(scope, month).transfer_days_median, (scope, month, "tr", "transfers_in"))
        )
        body.append((month_label(month), cells))
    body.append(
        (
            _("Hele perioden"),
            [d.cell((scope, "period", "tr", m)) for m in TRANSFER_PARTS] + [Cell("–", is_count=False)],
        )
    )
    return Table(
        "transfers",
        _("Overdragelser mellem kommuner per måned"),
        [_("Måned"), *[names[m] for m in TRANSFER_PARTS], names["transfer_days_median"]],
        body,
        _(
            "Overdragelser besvaret i måneden. Varigheden er for de overdragelser, kommunen har "
            "modtaget: dage fra overdragelsen blev startet, til den modtagende kommune tog imod."
        ),
    )


def _national_transfers(d: Disclosure, rows: Rows, scopes, months):
    """The country per month and period (each transfer once), and every municipality's period."""
    for metric in ["transfers_in", "transfers_in_declined"]:
        monthly = [d.count((None, m, "tr", metric), getattr(rows.get(None, m), metric)) for m in months]
        d.sum(monthly, d.count((None, "period", "tr", metric), sum(d.values[k] for k in monthly)))
    for scope in scopes:
        for metric in TRANSFER_PARTS:
            d.count((scope, "period", "tr", metric), sum(getattr(rows.get(scope, m), metric) for m in months))
    # A transfer received by one municipality was sent by another: both columns add up to the
    # country's one number.
    for metric, national in [
        ("transfers_in", "transfers_in"),
        ("transfers_out", "transfers_in"),
        ("transfers_in_declined", "transfers_in_declined"),
        ("transfers_out_declined", "transfers_in_declined"),
    ]:
        d.sum([(scope, "period", "tr", metric) for scope in scopes], (None, "period", "tr", national))


def _national_transfers_table(d, rows, months) -> Table:
    names = labels()
    body = [
        (
            month_label(month),
            [
                d.cell((None, month, "tr", "transfers_in")),
                d.cell((None, month, "tr", "transfers_in_declined")),
                d.median(rows.get(None, month).transfer_days_median, (None, month, "tr", "transfers_in")),
            ],
        )
        for month in months
    ]
    body.append(
        (
            _("Hele perioden"),
            [
                d.cell((None, "period", "tr", "transfers_in")),
                d.cell((None, "period", "tr", "transfers_in_declined")),
                Cell("–", is_count=False),
            ],
        )
    )
    return Table(
        "national_transfers",
        _("Hele landet: overdragelser mellem kommuner per måned"),
        [_("Måned"), names["transfers"], names["transfers_declined"], names["transfer_days_median"]],
        body,
        _("Overdragelser besvaret i måneden; dage fra overdragelsen blev startet, til den blev modtaget."),
    )


def _transfer_comparison_table(d, municipalities) -> Table:
    names = labels()
    body = [(m.name, [d.cell((m.pk, "period", "tr", x)) for x in TRANSFER_PARTS]) for m in municipalities]
    national = [d.cell((None, "period", "tr", x)) for x in ["transfers_in", "transfers_in_declined"]]
    body.append((_("Hele landet"), [national[0], national[0], national[1], national[1]]))
    return Table(
        "transfer_comparison",
        _("Overdragelser mellem kommuner i perioden per kommune"),
        [_("Kommune"), *[names[x] for x in TRANSFER_PARTS]],
        body,
        _("For hele landet er hver overdragelse talt én gang: overdraget og modtaget er det samme tal."),
    )


REVIEW_FIELDS = [
    ("channels", "channels_review_overdue"),
    ("framework_documents", "framework_documents_review_overdue"),
]


def _review_month(rows, scope, months) -> datetime.date:
    """The latest month of the period in which the framework was measured (the current month is
    measured on every run; earlier months keep what was measured then)."""
    fields = [f for pair in REVIEW_FIELDS for f in pair]
    return next(
        (m for m in reversed(months) if any(getattr(rows.get(scope, m), f) for f in fields)), months[-1]
    )


def _framework_cell(value) -> Cell:
    # Framework data, not about persons: shown as they are, small numbers too.
    return Cell(str(value), value, is_count=False)


def _review_table(rows, scope, months) -> Table:
    month = _review_month(rows, scope, months)
    row = rows.get(scope, month)
    return Table(
        "framework_review",
        _("Rammen: kommunikationsveje og planer og arbejdsgange over revisionsdatoen"),
        [_("Målt %(month)s") % {"month": month_label(month)}, _("I alt"), _("Revisionsdato overskredet")],
        [
            (label, [_framework_cell(getattr(row, total)), _framework_cell(getattr(row, overdue))])
            for label, (total, overdue) in zip(
                [_("Kommunikationsveje"), _("Planer og arbejdsgange")], REVIEW_FIELDS, strict=True
            )
        ],
        _framework_note(),
    )


def _framework_note() -> str:
    return _(
        "Kommunikationsveje og planer og arbejdsgange er rammedata, ikke oplysninger om borgere: "
        "de vises uden at skjule tal under 5. Kommunikationsveje uden revisionsdato tælles med i alt."
    )


def _review_comparison_table(rows, municipalities, months) -> Table:
    month = _review_month(rows, None, months)
    fields = [f for pair in REVIEW_FIELDS for f in pair]
    body = [
        (m.name, [_framework_cell(getattr(rows.get(m.pk, month), f)) for f in fields]) for m in municipalities
    ]
    body.append((_("Hele landet"), [_framework_cell(getattr(rows.get(None, month), f)) for f in fields]))
    return Table(
        "framework_review_comparison",
        _("Rammen per kommune, målt %(month)s: over revisionsdatoen") % {"month": month_label(month)},
        [
            _("Kommune"),
            _("Kommunikationsveje"),
            _("Heraf revisionsdato overskredet"),
            _("Planer og arbejdsgange"),
            _("Heraf revisionsdato overskredet"),
        ],
        body,
        _framework_note(),
    )


# --- The pages -------------------------------------------------------------------------------------


def municipality_report(municipality: Municipality, filters: dict) -> Report:
    months = months_between(filters["start"], filters["end"])
    kind = filters["organisation_kind"]
    rows = _rows(filters, municipality)
    scope = municipality.pk
    d = Disclosure()
    _fidelity(d, rows, scope, months)
    _events(d, rows, scope, months)
    kinds = [k for k, _label in Organisation.Kind.choices]
    for each in ["", *kinds]:
        _referrals(d, rows, scope, months, each)
    for metric in ["referrals_sent", *REFERRAL_PARTS]:
        parts = [(scope, "period", "ref", k, metric) for k in kinds]
        rest = d.count(
            (scope, "period", "ref", NO_RECEIVER, metric),
            d.values[(scope, "period", "ref", "", metric)] - sum(d.values[p] for p in parts),
        )
        d.sum([*parts, rest], (scope, "period", "ref", "", metric))
    d.sum(
        [(scope, "period", "ref", NO_RECEIVER, m) for m in REFERRAL_PARTS],
        (scope, "period", "ref", NO_RECEIVER, "referrals_sent"),
    )
    funnel_key = _funnel(d, scope, kind)
    _declines(d, rows, scope, months, kind)
    offers = _offers(d, rows, scope, months)
    _transfers(d, rows, scope, months)
    d.resolve()

    report = Report(municipality.name)
    report.charts.append(
        _trend_chart(d, scope, months, _("Tovholder og plan, andel af åbne forløb per måned"))
    )
    report.charts.append(_funnel_chart(d, funnel_key))
    report.tables.append(_fidelity_table(d, scope, months, _("Modeltroskab ved månedens udgang")))
    report.tables.append(_events_table(d, rows, scope, months))
    report.tables.append(_referrals_table(d, rows, scope, months, kind))
    report.tables.append(_by_kind_table(d, scope, kinds))
    report.tables.append(_declines_table(d, scope, kind))
    report.tables.append(_transfers_table(d, rows, scope, months))
    report.tables.append(_offers_table(d, offers))
    report.tables.append(_review_table(rows, scope, months))
    return report


def _by_kind_table(d, scope, kinds) -> Table:
    names = labels()
    columns = ["referrals_sent", *REFERRAL_PARTS]
    kind_names = kind_labels()
    return Table(
        "referrals_by_kind",
        _("Henvisninger i perioden per modtagende organisationstype"),
        [_("Organisationstype"), *[names[m] for m in columns]],
        [
            (kind_names[k] if k else _("I alt"), [d.cell((scope, "period", "ref", k, m)) for m in columns])
            for k in [*kinds, NO_RECEIVER, ""]
        ],
    )


def _offers(d, rows, scope, months):
    """The latest measured offer figures of the period: (month, key of in use, key of verified)."""
    month = next((m for m in reversed(months) if rows.get(scope, m).offers_in_use), months[-1])
    row = rows.get(scope, month)
    whole = d.count((scope, month, "offers_in_use"), row.offers_in_use)
    d.part((scope, month, "offers_verified"), row.offers_verified, whole)
    return month, whole, (scope, month, "offers_verified")


def _offers_table(d, offers) -> Table:
    names = labels()
    month, whole, verified = offers
    return Table(
        "offers",
        _("Tilbud: bekræftet inden for 180 dage"),
        [_("Målt"), names["offers_in_use"], names["offers_verified"]],
        [(month_label(month), [d.cell(whole), d.share(verified, whole)])],
    )


NATIONAL_TITLE = gettext_lazy("Hele landet")


def national_report(filters: dict) -> Report:
    months = months_between(filters["start"], filters["end"])
    kind = filters["organisation_kind"]
    municipalities = list(Municipality.objects.order_by("name"))
    rows = _rows(filters)
    end = months[-1]
    d = Disclosure()
    scopes = [m.pk for m in municipalities]
    # Every municipality at the end of the period, and the country (whose trend is shown).
    _fidelity(d, rows, None, months)
    for scope in scopes:
        _fidelity(d, rows, scope, [end])
    for metric in ["open_cases", *FIDELITY]:
        d.sum([(scope, end, metric) for scope in scopes], (None, end, metric))
        if metric != "open_cases":
            d.sum([("rest", (scope, end, metric)) for scope in scopes], ("rest", (None, end, metric)))
    _events(d, rows, None, months)
    _referrals(d, rows, None, months, kind)
    for scope in scopes:
        for metric in ["referrals_sent", *REFERRAL_PARTS]:
            d.count(
                (scope, "period", "ref", kind, metric),
                sum(getattr(rows.get(scope, m, kind), metric) for m in months),
            )
        d.sum(
            [(scope, "period", "ref", kind, m) for m in REFERRAL_PARTS],
            (scope, "period", "ref", kind, "referrals_sent"),
        )
    for metric in ["referrals_sent", *REFERRAL_PARTS]:
        d.sum(
            [(scope, "period", "ref", kind, metric) for scope in scopes],
            (None, "period", "ref", kind, metric),
        )
    funnel_key = _funnel(d, None, kind)
    _declines(d, rows, None, months, kind)
    _national_transfers(d, rows, scopes, months)
    d.resolve()

    report = Report(NATIONAL_TITLE)
    report.charts.append(_bars_chart(d, municipalities, end))
    report.charts.append(
        _trend_chart(d, None, months, _("Hele landet: tovholder og plan, andel af åbne forløb per måned"))
    )
    report.charts.append(_funnel_chart(d, funnel_key))
    report.tables.append(_comparison_table(d, municipalities, end))
    report.tables.append(_referral_comparison_table(d, municipalities, kind))
    report.tables.append(_fidelity_table(d, None, months, _("Hele landet: modeltroskab ved månedens udgang")))
    report.tables.append(_events_table(d, rows, None, months))
    report.tables.append(_referrals_table(d, rows, None, months, kind))
    report.tables.append(_declines_table(d, None, kind))
    report.tables.append(_transfer_comparison_table(d, municipalities))
    report.tables.append(_national_transfers_table(d, rows, months))
    report.tables.append(_review_comparison_table(rows, municipalities, months))
    return report


def _bars_chart(d, municipalities, end) -> Chart:
    name = labels()["with_coordinator"]
    title = _("Andel af åbne forløb med aktiv tovholder per kommune, %(month)s") % {"month": month_label(end)}
    bars = [
        (m.name, d.percent((m.pk, end, "with_coordinator"), (m.pk, end, "open_cases")))
        for m in municipalities
    ]
    table = Table(
        "bars",
        title,
        [_("Kommune"), f"{name} (%)"],
        [
            (label, [Cell(SUPPRESSED, hidden=True) if v is None else Cell(f"{v:.0f} %", v, is_count=False)])
            for label, v in bars
        ],
    )
    known = [(label, v) for label, v in bars if v is not None]
    if known:
        high = max(known, key=lambda item: item[1])
        low = min(known, key=lambda item: item[1])
        summary = _(
            "Højest i %(high)s (%(hv)s %%), lavest i %(low)s (%(lv)s %%). "
            "%(n)s kommuner har for få forløb til at blive vist."
        ) % {
            "high": high[0],
            "hv": round(high[1]),
            "low": low[0],
            "lv": round(low[1]),
            "n": len(bars) - len(known),
        }
    else:
        summary = _("Ingen kommune har forløb nok til at vise andelen.")
    return Chart(title, charts.bar_chart(title, bars), summary, table)


def _comparison_table(d, municipalities, end) -> Table:
    names = labels()
    body = [
        (
            m.name,
            [
                d.cell((m.pk, end, "open_cases")),
                *[d.share((m.pk, end, x), (m.pk, end, "open_cases")) for x in FIDELITY],
            ],
        )
        for m in municipalities
    ]
    body.append(
        (
            _("Hele landet"),
            [
                d.cell((None, end, "open_cases")),
                *[d.share((None, end, x), (None, end, "open_cases")) for x in FIDELITY],
            ],
        )
    )
    return Table(
        "comparison",
        _("Kommunerne side om side ved udgangen af %(month)s") % {"month": month_label(end)},
        [_("Kommune"), names["open_cases"], *[names[x] for x in FIDELITY]],
        body,
    )


def _referral_comparison_table(d, municipalities, kind) -> Table:
    names = labels()
    columns = ["referrals_sent", *REFERRAL_PARTS]
    body = [(m.name, [d.cell((m.pk, "period", "ref", kind, x)) for x in columns]) for m in municipalities]
    body.append((_("Hele landet"), [d.cell((None, "period", "ref", kind, x)) for x in columns]))
    return Table(
        "referral_comparison",
        _("Henvisninger i perioden per kommune (%(kind)s)") % {"kind": kind_labels()[kind]},
        [_("Kommune"), *[names[x] for x in columns]],
        body,
    )
