"""Write Dutch translations into the catalogue: ``python -m app.translations.set_dutch FILE.json``.

FILE.json maps English msgids to Dutch text. Keeps the .po file sorted and formatted the way pybabel
writes it, so several people can add translations without reformatting each other's work.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGUE = Path(__file__).parent / "nl" / "LC_MESSAGES" / "messages.po"


def main(path: str) -> None:
    wanted = json.loads(Path(path).read_text(encoding="utf-8"))
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="nl")
    unknown = [msgid for msgid in wanted if msgid not in catalogue]
    for msgid, text in wanted.items():
        if msgid in catalogue:
            catalogue[msgid].string = text
            catalogue[msgid].flags.discard("fuzzy")
    with CATALOGUE.open("wb") as handle:
        write_po(handle, catalogue, omit_header=False, sort_output=True, width=110)
    if unknown:
        print("not in the catalogue (run make translations-update first):", *unknown, sep="\n  ")


if __name__ == "__main__":
    main(sys.argv[1])
