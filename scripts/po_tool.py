"""Translation catalogue chores.

python scripts/po_tool.py fill-da      Danish source strings are their own translation.
python scripts/po_tool.py stats        untranslated/fuzzy counts per language.
"""

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def catalogue(code: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / code / "LC_MESSAGES" / "django.po"))


def fill_da() -> None:
    po = catalogue("da")
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()


def stats() -> int:
    missing = 0
    for code in ("da", "en", "kl"):
        po = catalogue(code)
        untranslated = len(po.untranslated_entries())
        fuzzy = len(po.fuzzy_entries())
        print(f"{code}: {po.percent_translated()}% translated, {untranslated} untranslated, {fuzzy} fuzzy")
        if code in ("da", "en"):
            missing += untranslated + fuzzy
    return 1 if missing else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "stats"
    if command == "fill-da":
        fill_da()
    else:
        sys.exit(stats())
