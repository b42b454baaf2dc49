"""Fill French translations into locales/fr/LC_MESSAGES/messages.po from a JSON file.

Usage: python scripts/translate.py translations.json
The JSON maps an English msgid to its French text (a list for plural forms). Existing
translations are kept unless the JSON gives a new one. Run ``make extract`` first.
"""

import json
import sys

from babel.messages.pofile import read_po, write_po

PO = "locales/fr/LC_MESSAGES/messages.po"


def main(path: str) -> None:
    with open(path, encoding="utf-8") as fh:
        french = json.load(fh)
    with open(PO, "rb") as fh:
        catalog = read_po(fh, locale="fr")
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in french:
            value = french[key]
            message.string = tuple(value) if isinstance(message.id, tuple) else value
            message.flags.discard("fuzzy")
    with open(PO, "wb") as fh:
        write_po(fh, catalog, width=100)


if __name__ == "__main__":
    main(sys.argv[1])
