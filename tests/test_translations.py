"""English is complete: every Spanish msgid in the catalog has a non-fuzzy translation."""

import re
from pathlib import Path

CATALOG = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if "msgid " in block]


def test_every_message_has_an_english_translation():
    untranslated = []
    for block in entries(CATALOG.read_text(encoding="utf-8"))[1:]:  # the first is the header
        if block.lstrip().startswith("#~"):
            continue
        msgid = re.search(r'^msgid "(.*)"', block, re.M).group(1)
        fuzzy = re.search(r"^#,.*\bfuzzy\b", block, re.M)
        translations = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, re.M)
        empty = any(not (first + rest.replace('"', "").strip()) for first, rest in translations)
        if fuzzy or empty or not translations:
            untranslated.append(msgid)
    assert untranslated == []


def test_the_compiled_catalog_is_committed():
    compiled = CATALOG.with_suffix(".mo")
    assert compiled.exists()
    assert compiled.stat().st_size > 10_000
