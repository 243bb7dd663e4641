"""A questionnaire file in, whichever kind it is: RAAK's own tables (JSON, XLSX, a CSV
folder; checked and stored by store.py) or a genuine XLSForm workbook (xlsform.py,
which converts it and stores it through the same checks). Callers use this module;
the two readers do not know each other's front door, so no import runs in a circle.

Importing a questionnaire that exists adds a new version when the latest one is
published (published versions never change), or replaces the draft."""

from raak.questionnaires import store, xlsform

# The exchange format's own names, for callers that write, check or describe it.
from raak.questionnaires.store import (  # noqa: F401 - re-exported: exchange.save, .tables, …
    CHOICE_TYPES,
    NUMBER_TYPES,
    SLUG,
    SPEC,
    save,
    tables,
)


def load(path, programme_slug=None, publish=False):
    """Import a questionnaire from RAAK's own tables, or a genuine XLSForm workbook."""
    if xlsform.is_xlsform(path):
        return xlsform.load(path, programme_slug, publish=publish).version
    return store.load_tables(path, programme_slug, publish)
