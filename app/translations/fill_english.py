"""Fill every empty English msgstr with its msgid: our source strings are English already.

Run by ``make translations-update`` so that the test for missing translations only asks for Dutch work.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGUE = Path(__file__).parent / "en" / "LC_MESSAGES" / "messages.po"


def main() -> None:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="en")
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not message.string or not any(message.string):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
    with CATALOGUE.open("wb") as handle:
        write_po(handle, catalogue, omit_header=False, sort_output=True, width=110)


if __name__ == "__main__":
    main()
