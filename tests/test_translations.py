"""The translation catalogues are complete: Danish and English fully, kalaallisut where promised.

Danish is the source language, so its catalogue must carry every msgid as its own translation;
English must translate every UI string. Kalaallisut covers the navigation, the offer directory and
everything a citizen reads: Mit forløb, the plan print and the forms filled from a case (consent
declaration, goals form, efforts overview), the consent text and the choice labels those pages
show; each kalaallisut translation is machine-assisted and so carries the translator comment that
asks a fluent speaker to review it.

The citizen-facing sources are read directly as well (the same extraction as ``makemessages``), so
a new message in one of them fails here even before ``makemessages`` has put it in the catalogue.
"""

import re
import subprocess
from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation.template import templatize

from borgerforloeb.forms.consents import DEFAULT_CONSENT_TEXT
from borgerforloeb.models import CitizenMessage, Consent, ContactPreference, Effort, Language, PlanAcceptance
from tests.services import system_tool

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
KL_REVIEW_COMMENT = "Needs review by a fluent kalaallisut speaker"
# Where kalaallisut is promised: the navigation (base layout), the offer directory, the plan print.
# (Model field names are left out: they show in Django admin, which staff use in Danish.)
KL_REQUIRED_SOURCES = re.compile(
    r"^(templates/base\.html|templates/tilbud/|tilbud/(views|filters|forms)\.py|templates/borgerforloeb/.*print)"
)
# What a citizen reads: Mit forløb (its templates and modules), the printable forms (the plan print
# included) and their renderer. Every message of these files must be translated into kalaallisut.
CITIZEN_FACING = re.compile(
    r"^(templates/mit_forloeb/|mit_forloeb/[^/]+\.py$|templates/borgerforloeb/documents/"
    r"|borgerforloeb/services/documents\.py$)"
)
# Messages defined elsewhere that those pages show: the consent text put to the citizen and the
# labels of the choices they print (status of an effort, kinds of information, how consent was given…).
CITIZEN_CHOICES = [
    Effort.Status,
    Consent.InformationKind,
    Consent.GivenHow,
    PlanAcceptance.CitizenParticipation,
    Language,
    ContactPreference,
    CitizenMessage.Kind,
]
# makemessages' keywords for Python and templates (django.core.management.commands.makemessages).
XGETTEXT_KEYWORDS = [
    "gettext_noop",
    "gettext_lazy",
    "ngettext_lazy:1,2",
    "pgettext:1c,2",
    "npgettext:1c,2,3",
    "pgettext_lazy:1c,2",
    "npgettext_lazy:1c,2,3",
]


def catalogue(code: str) -> polib.POFile:
    path = LOCALE / code / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing"
    return polib.pofile(str(path))


def describe(entries) -> str:
    return "\n".join(
        f"  {entry.msgid!r} ({', '.join(f'{file}:{line}' for file, line in entry.occurrences[:2])})"
        for entry in entries[:40]
    )


def is_translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


@pytest.mark.parametrize("code", ["da", "en"])
def test_every_ui_string_is_translated(code):
    po = catalogue(code)
    live = [entry for entry in po if not entry.obsolete]
    assert live, f"the {code} catalogue has no entries"
    untranslated = [entry for entry in live if not is_translated(entry)]
    fuzzy = [entry for entry in live if "fuzzy" in entry.flags]
    assert not untranslated, f"{len(untranslated)} untranslated {code} strings:\n{describe(untranslated)}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy {code} strings:\n{describe(fuzzy)}"


def test_danish_translations_are_the_source_strings():
    changed = [entry for entry in catalogue("da") if not entry.obsolete and not entry.msgid_plural]
    changed = [entry for entry in changed if entry.msgstr and entry.msgstr != entry.msgid]
    assert not changed, f"Danish msgstr differs from its Danish source:\n{describe(changed)}"


@pytest.mark.parametrize("code", ["da", "en", "kl"])
def test_catalogue_compiles_cleanly(code, tmp_path):
    po = LOCALE / code / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        [
            system_tool("msgfmt", "gettext"),
            "--check",
            "--statistics",
            "-o",
            str(tmp_path / "django.mo"),
            str(po),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    if code in ("da", "en"):
        assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_kalaallisut_translations_are_marked_for_fluent_review():
    po = catalogue("kl")
    unmarked = [
        entry
        for entry in po
        if not entry.obsolete and is_translated(entry) and KL_REVIEW_COMMENT not in (entry.tcomment or "")
    ]
    assert not unmarked, (
        f"{len(unmarked)} kalaallisut translations lack '# {KL_REVIEW_COMMENT}.':\n{describe(unmarked)}"
    )


def test_kalaallisut_covers_navigation_offer_directory_and_plan_print():
    po = catalogue("kl")
    required = [
        entry
        for entry in po
        if not entry.obsolete and any(KL_REQUIRED_SOURCES.match(file) for file, _line in entry.occurrences)
    ]
    assert any(file == "templates/base.html" for entry in required for file, _ in entry.occurrences)
    missing = [entry for entry in required if not is_translated(entry) or "fuzzy" in entry.flags]
    assert not missing, f"{len(missing)} kalaallisut strings still missing:\n{describe(missing)}"


def citizen_facing_files() -> list[Path]:
    files = [
        path
        for path in sorted((ROOT / "templates").rglob("*")) + sorted(ROOT.glob("*/**/*.py"))
        if path.is_file()
        and path.suffix in (".html", ".txt", ".py")
        and CITIZEN_FACING.match(path.relative_to(ROOT).as_posix())
    ]
    assert any(path.name == "home.html" for path in files) and any(
        path.name == "consent.html" for path in files
    )
    return files


def source_messages(files: list[Path], workdir: Path) -> polib.POFile:
    """The messages of ``files`` as makemessages finds them: templates through Django's
    ``templatize``, then ``xgettext`` with makemessages' keywords."""
    inputs = []
    for number, path in enumerate(files):
        if path.suffix == ".py":
            inputs.append(str(path))
            continue
        converted = workdir / f"{number}-{path.name}.py"
        converted.write_text(templatize(path.read_text(encoding="utf-8"), origin=str(path)), encoding="utf-8")
        inputs.append(str(converted))
    result = subprocess.run(
        [
            system_tool("xgettext", "gettext"),
            "--language=Python",
            "--from-code=UTF-8",
            *(f"--keyword={keyword}" for keyword in XGETTEXT_KEYWORDS),
            "--output=-",
            *inputs,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return polib.pofile(result.stdout)


def test_every_message_a_citizen_reads_is_in_kalaallisut(tmp_path):
    """Each message of a citizen-facing source file (read from the file itself, so a message added
    without running makemessages fails too) is in the kalaallisut catalogue, translated."""
    kl = {(entry.msgctxt, entry.msgid): entry for entry in catalogue("kl") if not entry.obsolete}
    found = [entry for entry in source_messages(citizen_facing_files(), tmp_path) if entry.msgid]
    assert len(found) > 150
    absent = [entry for entry in found if (entry.msgctxt, entry.msgid) not in kl]
    assert not absent, (
        f"{len(absent)} citizen-facing messages are not in the catalogues: run makemessages "
        f"(see docs) and translate them:\n{describe(absent)}"
    )
    untranslated = [
        kl[(entry.msgctxt, entry.msgid)]
        for entry in found
        if not is_translated(kl[(entry.msgctxt, entry.msgid)])
        or "fuzzy" in kl[(entry.msgctxt, entry.msgid)].flags
    ]
    assert not untranslated, (
        f"{len(untranslated)} citizen-facing messages lack kalaallisut:\n{describe(untranslated)}"
    )


def test_the_catalogue_names_every_citizen_facing_file_it_translates():
    """The catalogue is in step with the sources: its occurrences in the citizen-facing files all
    point at files that exist (a moved or renamed template means makemessages was not run)."""
    po = catalogue("kl")
    stale = sorted(
        {
            file
            for entry in po
            if not entry.obsolete
            for file, _line in entry.occurrences
            if CITIZEN_FACING.match(file) and not (ROOT / file).exists()
        }
    )
    assert not stale, f"the kl catalogue names files that are gone (run makemessages): {stale}"


def test_the_consent_text_and_the_labels_a_citizen_reads_are_in_kalaallisut():
    po = catalogue("kl")
    with translation.override("da"):  # Danish is the source language: its text is the msgid
        msgids = [str(DEFAULT_CONSENT_TEXT)] + [
            str(label) for choices in CITIZEN_CHOICES for label in choices.labels
        ]
    missing = [msgid for msgid in msgids if (entry := po.find(msgid)) is None or not is_translated(entry)]
    assert not missing, f"{len(missing)} messages a citizen reads lack kalaallisut: {missing}"
