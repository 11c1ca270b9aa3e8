"""Every translatable string in the code is in the committed catalog (so it has an English translation,
which tests/test_translations.py checks): a new `_("…")` without `make messages` fails here."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
# what `make messages` leaves out: the same list
NOT_SCANNED = [".venv", "var", "bench", "tests", "staticfiles", "node_modules", ".git"]


def msgids(po_text: str) -> set[str]:
    found = set()
    for block in po_text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue  # obsolete
        match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if match:
            found.add("".join(re.findall(r'"(.*)"', match.group(1))))
    return found - {""}


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext: sudo apt-get install -y gettext")
def test_every_translatable_string_is_in_the_catalog(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*NOT_SCANNED, "__pycache__", "*.mo"))
    finished = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v", "0"]
        + [f"--ignore={folder}" for folder in NOT_SCANNED],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    in_code = msgids((copy / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    committed = msgids(CATALOG.read_text(encoding="utf-8"))
    assert sorted(in_code - committed) == [], "run `make messages` and translate the new strings"
