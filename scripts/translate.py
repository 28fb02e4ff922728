"""Fill a Persian catalogue from a {msgid: msgstr} table: `python scripts/translate.py PO TABLE.py`.

The table is a Python file defining FA. Entries already translated are kept unless the table
has them; fuzzy flags are cleared for entries the table translates. Prints what is still missing.
"""

import runpy
import sys

import polib


def main(po_path: str, table_path: str) -> int:
    table = runpy.run_path(table_path)["FA"]
    po = polib.pofile(po_path)
    for entry in po:
        if entry.msgid in table:
            entry.msgstr = table[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = None
    po.save()
    missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    for msgid in missing:
        print(f"missing: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
