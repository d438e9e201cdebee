"""The translation catalogues are complete: Danish and English fully, kalaallisut where promised.

Danish is the source language, so its catalogue must carry every msgid as its own translation;
English must translate every UI string. Kalaallisut covers the navigation, the offer directory and
the citizen-facing plan print; each kalaallisut translation is machine-assisted and so carries the
translator comment that asks a fluent speaker to review it.
"""

import re
import subprocess
from pathlib import Path

import polib
import pytest

from tests.services import system_tool

LOCALE = Path(__file__).resolve().parent.parent / "locale"
KL_REVIEW_COMMENT = "Needs review by a fluent kalaallisut speaker"
# Where kalaallisut is promised: the navigation (base layout), the offer directory, the plan print.
# (Model field names are left out: they show in Django admin, which staff use in Danish.)
KL_REQUIRED_SOURCES = re.compile(
    r"^(templates/base\.html|templates/tilbud/|tilbud/(views|filters|forms)\.py|templates/borgerforloeb/.*print)"
)


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
