"""Add translations to translations/<locale>/<area>.po from a Python file defining T.

Usage: python scripts/add_translations.py FILE.py AREA, where FILE.py defines
T = {msgid: (zh_Hant, zh_Hans), (singular, plural): ((zh_Hant,), (zh_Hans,))}.
Existing entries of the .po files are kept; T's entries win.
"""
import runpy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

src, area = sys.argv[1], sys.argv[2]
data = runpy.run_path(src)["T"]  # {msgid or (sing, plural): (hant, hans)}
for i, loc in enumerate(["zh_Hant", "zh_Hans"]):
    path = Path("translations") / loc / f"{area}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    cat = Catalog(locale=loc, project="crowdcat")
    if path.exists():
        with path.open("rb") as f:
            for m in read_po(f, locale=loc):
                if m.id:
                    cat[m.id] = m
    for k, v in data.items():
        s = v[i]
        msgid = k[0] if isinstance(k, tuple) else k
        if msgid in cat:  # Catalog.add keeps an existing msgstr; ours must win
            del cat[msgid]
        if isinstance(k, tuple):
            cat.add(k, (s, s) if isinstance(s, str) else s)
        else:
            cat.add(k, s)
    with path.open("wb") as f:
        write_po(f, cat, width=100, sort_output=True, omit_header=False)
    print(path, len(cat))
