"""CSV import and export of offers.

Format (UTF-8, optionally with BOM; separator ``;`` or ``,``, detected from the header line; the
first line names the columns, in any order; only ``name`` and the organisation are required).
Row numbers in error reports are line numbers in the file (the header is line 1).

=============================  ==========================================================
column                         content
=============================  ==========================================================
id                             the offer's UUID; blank for a new offer. Re-importing a file
                               updates the offers by id and never duplicates them; a row
                               without id updates the offer with the same name in the same
                               organisation, if there is one.
name                           name of the offer (required)
organisation_id                UUID of the organisation, or blank and then:
organisation_name              the organisation's exact name, and
organisation_municipality      the slug of the organisation's municipality (e.g. ``aarhus``)
status                         active, temporarily_closed, inactive or defunct (blank: active)
description                    free text
municipalities                 municipality slugs served, separated by ``|``
categories                     category codes (see admin › Kategorier), separated by ``|``
target_groups                  target group codes (e.g. ``hjemloese|misbrug``), ``|``-separated
languages                      language codes (``da|kl|en``)
eligibility_description        who can use the offer
minimum_age, maximum_age       whole years or blank
application_process            how to get started
fees_description               price text
free                           ja/nej (also accepted: 1/0, true/false, yes/no)
walk_in                        ja/nej – come without appointment
referral_required              ja/nej
anonymous_allowed              ja/nej
greenlandic_speaking_staff     ja/nej
interpreter_available          ja/nej
accessibility                  free text
required_documents             free text
internal                       ja/nej – only visible to logged-in users
url, email                     website and e-mail of the offer
phone                          the main phone number
address, postal_code, city     the main address (postal code: 4 digits)
latitude, longitude            decimal degrees, or blank
opening_hours                  weekly hours, e.g. ``ma-fr 08:00-16:00; lø 10:00-14:00``;
                               days ma ti on to fr lø sø; ``00:00-00:00`` is all day and
                               ``22:00-06:00`` runs past midnight
capacity_available             free places now (whole number) or blank
capacity_maximum               places in total or blank
capacity_unit                  e.g. ``senge``
assured_date                   YYYY-MM-DD: when a person last confirmed the record
=============================  ==========================================================

The import validates every row and reports all errors with their row numbers. Nothing is saved
when any row is invalid, unless ``skip_invalid`` is set: then the valid rows are saved and the
invalid ones reported. Rows identical to what is stored change nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import record
from core.csvsafe import RestoringDictReader, SafeDictWriter
from core.models import AuditEvent
from samarbejde.models import Municipality, Organisation
from tilbud.forms import check_offer_ranges
from tilbud.models import Language, Location, Offer, Phone, Schedule, TargetGroup, TaxonomyTerm

COLUMNS = [
    "id", "name", "organisation_id", "organisation_name", "organisation_municipality", "status",
    "description", "municipalities", "categories", "target_groups", "languages",
    "eligibility_description", "minimum_age", "maximum_age", "application_process",
    "fees_description", "free", "walk_in", "referral_required", "anonymous_allowed",
    "greenlandic_speaking_staff", "interpreter_available", "accessibility", "required_documents",
    "internal", "url", "email", "phone", "address", "postal_code", "city", "latitude", "longitude",
    "opening_hours", "capacity_available", "capacity_maximum", "capacity_unit", "assured_date",
]  # fmt: skip
BOOL_COLUMNS = [
    "free", "walk_in", "referral_required", "anonymous_allowed", "greenlandic_speaking_staff",
    "interpreter_available", "internal",
]  # fmt: skip
TEXT_COLUMNS = [
    "name", "description", "eligibility_description", "application_process", "fees_description",
    "accessibility", "required_documents", "url", "email", "capacity_unit",
]  # fmt: skip
DAYS = ["ma", "ti", "on", "to", "fr", "lø", "sø"]
TRUE_WORDS, FALSE_WORDS = {"ja", "1", "true", "yes", "j", "x"}, {"nej", "0", "false", "no", "n", ""}
PREFETCH = ["municipalities", "categories", "target_groups", "languages", "schedules", "locations", "phones"]


# --- formatting (export) -----------------------------------------------------------------------
def _bool(value):
    return "ja" if value else "nej"


def _num(value):
    return "" if value is None else str(value)


def format_hours(rows) -> str:
    """[(weekday, opens, closes)] → "ma-fr 08:00-16:00; lø 10:00-14:00" (sorted, days grouped)."""
    by_hours: dict[tuple, list[int]] = {}
    for weekday, opens, closes in sorted(rows):
        by_hours.setdefault((opens, closes), []).append(weekday)
    parts = []
    for (opens, closes), days in sorted(by_hours.items(), key=lambda item: (item[1][0], item[0])):
        runs = [[days[0], days[0]]]
        for day in days[1:]:
            if day == runs[-1][1] + 1:
                runs[-1][1] = day
            else:
                runs.append([day, day])
        labels = [DAYS[a] if a == b else f"{DAYS[a]}-{DAYS[b]}" for a, b in runs]
        parts.append(f"{','.join(labels)} {opens:%H:%M}-{closes:%H:%M}")
    return "; ".join(parts)


def offer_row(offer: Offer) -> dict:
    location = offer.primary_location
    phones = list(offer.phones.all())
    row = {column: getattr(offer, column, "") for column in TEXT_COLUMNS}
    row.update(
        {
            "id": str(offer.pk),
            "organisation_id": str(offer.organisation_id),
            "organisation_name": offer.organisation.name,
            "organisation_municipality": offer.organisation.municipality.slug,
            "status": offer.status,
            "municipalities": "|".join(sorted(m.slug for m in offer.municipalities.all())),
            "categories": "|".join(sorted(t.code for t in offer.categories.all())),
            "target_groups": "|".join(sorted(g.code for g in offer.target_groups.all())),
            "languages": "|".join(sorted(lang.code for lang in offer.languages.all())),
            "minimum_age": _num(offer.minimum_age),
            "maximum_age": _num(offer.maximum_age),
            "phone": phones[0].number if phones else "",
            "address": location.address if location else "",
            "postal_code": location.postal_code if location else "",
            "city": location.city if location else "",
            "latitude": _num(location.latitude) if location else "",
            "longitude": _num(location.longitude) if location else "",
            "opening_hours": format_hours(
                (s.weekday, s.opens_at, s.closes_at) for s in offer.schedules.all()
            ),
            "capacity_available": _num(offer.capacity_available),
            "capacity_maximum": _num(offer.capacity_maximum),
            "assured_date": offer.assured_date.isoformat() if offer.assured_date else "",
        }
    )
    row.update({column: _bool(getattr(offer, column)) for column in BOOL_COLUMNS})
    return row


def export_queryset(queryset):
    return (
        queryset.select_related("organisation__municipality")
        .prefetch_related(*PREFETCH)
        .order_by("name", "pk")
    )


def write_csv(queryset, out) -> None:
    out.write("\ufeff")
    writer = SafeDictWriter(out, fieldnames=COLUMNS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    for offer in export_queryset(queryset):
        writer.writerow(offer_row(offer))


def export_csv(queryset) -> str:
    out = io.StringIO()
    write_csv(queryset, out)
    return out.getvalue()


# --- parsing (import) --------------------------------------------------------------------------
HOURS_PART = re.compile(r"^(?P<days>[a-zø,\-]+)\s+(?P<opens>\d{1,2}:\d{2})\s*-\s*(?P<closes>\d{1,2}:\d{2})$")


def parse_hours(text: str) -> list[tuple[int, datetime.time, datetime.time]]:
    rows = []
    for part in filter(None, (p.strip() for p in text.replace("\n", ";").split(";"))):
        match = HOURS_PART.match(part.lower())
        if not match:
            raise forms.ValidationError(_("“%(part)s” er ikke en gyldig åbningstid.") % {"part": part})
        try:
            opens = datetime.time.fromisoformat(match["opens"].zfill(5))
            closes_text = match["closes"].zfill(5)
            closes = (
                datetime.time(0, 0) if closes_text == "24:00" else datetime.time.fromisoformat(closes_text)
            )
        except ValueError as error:
            raise forms.ValidationError(
                _("“%(part)s” har et ugyldigt klokkeslæt.") % {"part": part}
            ) from error
        for group in match["days"].split(","):
            first, _sep, last = group.partition("-")
            if first not in DAYS or (last and last not in DAYS):
                raise forms.ValidationError(_("Ukendt ugedag i “%(part)s”.") % {"part": part})
            start, end = DAYS.index(first), DAYS.index(last or first)
            if end < start:
                raise forms.ValidationError(
                    _("Ugedagene i “%(part)s” står i forkert rækkefølge.") % {"part": part}
                )
            rows += [(day, opens, closes) for day in range(start, end + 1)]
    if len({(d, o) for d, o, _c in rows}) != len(rows):
        raise forms.ValidationError(_("Samme åbningstid står flere gange."))
    return sorted(rows)


class YesNoField(forms.Field):
    def to_python(self, value):
        text = (value or "").strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise forms.ValidationError(_("Skriv ja eller nej."))


class CodeListField(forms.Field):
    """``a|b|c`` of codes that must exist in ``known`` (a dict code → object)."""

    def __init__(self, *, known, **kwargs):
        self.known = known
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        codes = [c.strip() for c in (value or "").split("|") if c.strip()]
        unknown = [c for c in codes if c not in self.known]
        if unknown:
            raise forms.ValidationError(_("Ukendt kode: %(codes)s") % {"codes": ", ".join(unknown)})
        return [self.known[c] for c in dict.fromkeys(codes)]


class OfferRowForm(forms.Form):
    id = forms.UUIDField(required=False)
    name = forms.CharField(max_length=200)
    organisation_id = forms.UUIDField(required=False)
    organisation_name = forms.CharField(required=False)
    organisation_municipality = forms.CharField(required=False)
    status = forms.ChoiceField(choices=Offer.Status.choices, required=False)
    description = forms.CharField(required=False, strip=False)
    eligibility_description = forms.CharField(required=False, strip=False)
    minimum_age = forms.IntegerField(required=False, min_value=0, max_value=130)
    maximum_age = forms.IntegerField(required=False, min_value=0, max_value=130)
    application_process = forms.CharField(required=False, strip=False)
    fees_description = forms.CharField(required=False, strip=False)
    accessibility = forms.CharField(required=False, strip=False)
    required_documents = forms.CharField(required=False, strip=False)
    url = forms.URLField(required=False, assume_scheme="https")
    email = forms.EmailField(required=False)
    phone = forms.CharField(required=False, max_length=40)
    address = forms.CharField(required=False, max_length=200)
    postal_code = forms.RegexField(regex=r"^[0-9]{4}$", required=False)
    city = forms.CharField(required=False, max_length=100)
    latitude = forms.DecimalField(required=False, min_value=-90, max_value=90, decimal_places=6)
    longitude = forms.DecimalField(required=False, min_value=-180, max_value=180, decimal_places=6)
    opening_hours = forms.CharField(required=False)
    capacity_available = forms.IntegerField(required=False, min_value=0)
    capacity_maximum = forms.IntegerField(required=False, min_value=0)
    capacity_unit = forms.CharField(required=False, max_length=50)
    assured_date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def __init__(self, *args, vocab, **kwargs):
        super().__init__(*args, **kwargs)
        self.vocab = vocab
        for column in BOOL_COLUMNS:
            self.fields[column] = YesNoField(required=False)
        self.fields["municipalities"] = CodeListField(known=vocab["municipalities"])
        self.fields["categories"] = CodeListField(known=vocab["categories"])
        self.fields["target_groups"] = CodeListField(known=vocab["target_groups"])
        self.fields["languages"] = CodeListField(known=vocab["languages"])

    def clean_opening_hours(self):
        return parse_hours(self.cleaned_data["opening_hours"] or "")

    def clean(self):
        data = super().clean()
        organisation = None
        if data.get("organisation_id"):
            organisation = self.vocab["organisations_by_id"].get(data["organisation_id"])
            if organisation is None:
                self.add_error("organisation_id", _("Organisationen findes ikke."))
        elif data.get("organisation_name"):
            key = (data.get("organisation_municipality") or "", data["organisation_name"].strip())
            organisation = self.vocab["organisations_by_name"].get(key)
            if organisation is None:
                self.add_error("organisation_name", _("Organisationen findes ikke i den angivne kommune."))
        elif "organisation_id" not in self.errors:
            self.add_error("organisation_id", _("Angiv organisation_id eller organisation_name."))
        data["organisation"] = organisation
        check_offer_ranges(self, data)
        if data.get("address") and not (data.get("postal_code") and data.get("city")):
            self.add_error("postal_code", _("En adresse skal have postnummer og by."))
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("latitude", _("Angiv både breddegrad og længdegrad, eller ingen af dem."))
        return data


def load_vocab(organisations=None):
    """Codes and organisations a row may name; ``organisations`` limits the latter (default: all)."""
    organisations = list((organisations if organisations is not None else Organisation.objects.all())
                         .select_related("municipality"))  # fmt: skip
    return {
        "municipalities": {m.slug: m for m in Municipality.objects.all()},
        "categories": {t.code: t for t in TaxonomyTerm.objects.all()},
        "target_groups": {g.code: g for g in TargetGroup.objects.all()},
        "languages": {lang.code: lang for lang in Language.objects.all()},
        "organisations_by_id": {o.pk: o for o in organisations},
        "organisations_by_name": {(o.municipality.slug, o.name): o for o in organisations},
    }


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    saved: bool = False

    @property
    def ok(self):
        return not self.errors

    def error_lines(self):
        return [
            _("Række %(row)d: %(message)s") % {"row": row, "message": message} for row, message in self.errors
        ]


def read_rows(text: str):
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    # Cells the export protected against spreadsheet formulas read back as they were.
    return RestoringDictReader(io.StringIO(text, newline=""), delimiter=delimiter)


def _canonical(data, offer_id) -> dict:
    """The export row that the cleaned import row would produce (to detect no-op rows)."""
    organisation = data["organisation"]
    row = {column: data.get(column) or "" for column in TEXT_COLUMNS}
    row.update(
        {
            "id": str(offer_id),
            "organisation_id": str(organisation.pk),
            "organisation_name": organisation.name,
            "organisation_municipality": organisation.municipality.slug,
            "status": data.get("status") or Offer.Status.ACTIVE,
            "municipalities": "|".join(sorted(m.slug for m in data["municipalities"])),
            "categories": "|".join(sorted(t.code for t in data["categories"])),
            "target_groups": "|".join(sorted(g.code for g in data["target_groups"])),
            "languages": "|".join(sorted(lang.code for lang in data["languages"])),
            "minimum_age": _num(data.get("minimum_age")),
            "maximum_age": _num(data.get("maximum_age")),
            "phone": data.get("phone") or "",
            "address": data.get("address") or "",
            "postal_code": (data.get("postal_code") or "") if data.get("address") else "",
            "city": (data.get("city") or "") if data.get("address") else "",
            "latitude": _num(data.get("latitude")) if data.get("address") else "",
            "longitude": _num(data.get("longitude")) if data.get("address") else "",
            "opening_hours": format_hours(data["opening_hours"]),
            "capacity_available": _num(data.get("capacity_available")),
            "capacity_maximum": _num(data.get("capacity_maximum")),
            "assured_date": data["assured_date"].isoformat() if data.get("assured_date") else "",
        }
    )
    row.update({column: _bool(data.get(column)) for column in BOOL_COLUMNS})
    return row


def _normalise_decimal(row):
    for column in ("latitude", "longitude"):
        if row[column]:
            row[column] = f"{float(row[column]):.6f}"
    return row


def _save(data, offer: Offer | None, *, actor):
    created = offer is None
    if offer is None:
        offer = Offer(pk=data["id"]) if data.get("id") else Offer()
    offer.organisation = data["organisation"]
    for column in TEXT_COLUMNS:
        setattr(offer, column, data.get(column) or "")
    for column in BOOL_COLUMNS:
        setattr(offer, column, bool(data.get(column)))
    offer.status = data.get("status") or Offer.Status.ACTIVE
    capacity_before = None if created else offer.capacity_values()
    for column in ("minimum_age", "maximum_age", "capacity_available", "capacity_maximum", "assured_date"):
        setattr(offer, column, data.get(column))
    offer.stamp_capacity(actor, capacity_before)
    offer.save()
    offer.municipalities.set(data["municipalities"])
    offer.categories.set(data["categories"])
    offer.target_groups.set(data["target_groups"])
    offer.languages.set(data["languages"])
    wanted = data["opening_hours"]
    if sorted((s.weekday, s.opens_at, s.closes_at) for s in offer.schedules.all()) != wanted:
        offer.schedules.all().delete()
        Schedule.objects.bulk_create(
            Schedule(offer=offer, weekday=d, opens_at=o, closes_at=c) for d, o, c in wanted
        )
    location = offer.locations.first()
    if data.get("address"):
        location = location or Location(offer=offer)
        location.address, location.postal_code, location.city = (
            data["address"],
            data["postal_code"],
            data["city"],
        )
        location.latitude, location.longitude = data.get("latitude"), data.get("longitude")
        location.save()
    elif location:
        offer.locations.all().delete()
    phone = offer.phones.first()
    if data.get("phone"):
        phone = phone or Phone(offer=offer)
        phone.number = data["phone"]
        phone.save()
    elif phone:
        offer.phones.all().delete()
    offer.refresh_search_document()
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        obj=offer,
        note="CSV import",
    )
    return created


def _rows_reporting_unreadable(reader, result):
    """(line, row) for each row; a row the csv module cannot read (e.g. a field over its size
    limit) is reported as an error instead of ending the import."""
    while True:
        before = reader.line_num
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            result.errors.append((reader.line_num, _("Rækken kan ikke læses: %(error)s") % {"error": error}))
            if reader.line_num == before:
                return
            continue
        yield reader.line_num, row


def _refuse_foreign_ids(valid, offers, result):
    """Rows whose id is an offer outside ``offers`` are errors; the other rows are returned."""
    ids = [data["id"] for _line, data in valid if data.get("id")]
    foreign = set(
        Offer.objects.filter(pk__in=ids).exclude(pk__in=offers.values("pk")).values_list("pk", flat=True)
    )
    if not foreign:
        return valid
    for line, data in valid:
        if data.get("id") in foreign:
            result.errors.append(
                (line, "id: " + _("Tilbuddet findes ikke blandt de tilbud, du kan redigere."))
            )
    result.errors.sort(key=lambda error: error[0])
    return [(line, data) for line, data in valid if data.get("id") not in foreign]


def import_csv(text: str, *, actor=None, skip_invalid=False, organisations=None, offers=None) -> ImportResult:
    """Create or update offers from CSV text.

    ``organisations`` and ``offers`` (querysets) limit what the file may touch, for an importer
    who administers only some municipalities: a row naming another organisation, or the id of an
    offer outside ``offers``, is refused like an unknown one (every such row is reported).
    """
    result = ImportResult()
    reader = read_rows(text)
    try:
        header = reader.fieldnames or []
    except csv.Error as error:
        result.errors.append((1, _("Overskriften kan ikke læses: %(error)s") % {"error": error}))
        return result
    unknown = [c for c in header if c not in COLUMNS]
    if unknown or "name" not in header:
        if unknown:
            result.errors.append((1, _("Ukendte kolonner: %(columns)s") % {"columns": ", ".join(unknown)}))
        if "name" not in header:
            result.errors.append((1, _("Kolonnen name mangler.")))
        return result
    vocab = load_vocab(organisations)
    valid, seen_ids = [], {}
    for line, row in _rows_reporting_unreadable(reader, result):
        data_in = {k: (v or "") for k, v in row.items() if k is not None}
        if None in row:
            result.errors.append((line, _("Rækken har flere felter end overskriften.")))
            continue
        form = OfferRowForm(data_in, vocab=vocab)
        if not form.is_valid():
            messages = []
            for column, errors in form.errors.items():
                prefix = "" if column == "__all__" else f"{column}: "
                messages.append(prefix + " ".join(errors))
            result.errors.append((line, "; ".join(messages)))
            continue
        data = form.cleaned_data
        if data.get("id"):
            if data["id"] in seen_ids:
                result.errors.append(
                    (line, _("id står også i række %(row)d.") % {"row": seen_ids[data["id"]]})
                )
                continue
            seen_ids[data["id"]] = line
        valid.append((line, data))
    if offers is not None:
        valid = _refuse_foreign_ids(valid, offers, result)
    if result.errors and not skip_invalid:
        return result

    ids = [d["id"] for _line, d in valid if d.get("id")]
    existing = {o.pk: o for o in export_queryset(Offer.objects.filter(pk__in=ids))}
    by_name = {}
    nameless = [d for _line, d in valid if not d.get("id")]
    if nameless:
        for offer in export_queryset(
            Offer.objects.filter(organisation__in={d["organisation"].pk for d in nameless})
        ):
            by_name.setdefault((offer.organisation_id, offer.name.lower()), offer)
    with transaction.atomic():
        for _line, data in valid:
            offer = (
                existing.get(data["id"])
                if data.get("id")
                else by_name.get((data["organisation"].pk, data["name"].lower()))
            )
            if offer is not None:
                current = _normalise_decimal(offer_row(offer))
                if current == _normalise_decimal(_canonical(data, offer.pk)):
                    result.unchanged += 1
                    continue
            if _save(data, offer, actor=actor):
                result.created += 1
            else:
                result.updated += 1
    result.saved = True
    return result
