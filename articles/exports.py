"""The archive's current result as CSV or JSON, for researchers.

Rows are streamed from the database in chunks, so a result of any size is never held
in memory; bylines, places and tags are fetched per chunk, not per row.

The CSV is made to be opened in a spreadsheet: it starts with a UTF-8 byte order mark
(so Excel reads Arabic-script text as UTF-8), every cell is quoted (so a `;` or `,` in a
headline cannot start a new cell in a locale whose separator it is), and a cell that a
spreadsheet would run as a formula gets a leading apostrophe (see `neutralise`). The
JSON export carries every text exactly as stored."""

import csv
import json
import unicodedata

from django.utils import timezone

COLUMNS = [
    "id", "url", "headline", "summary", "published_at", "updated_at", "dateline", "source",
    "bylines", "regions", "tags",
]  # fmt: skip
CHUNK_SIZE = 1000


def export_rows(queryset, build_url):
    for article in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "id": article.pk,
            "url": build_url(article.get_absolute_url()),
            "headline": article.headline,
            "summary": article.summary,
            "published_at": timezone.localtime(article.published_at).isoformat(),
            "updated_at": timezone.localtime(article.updated_at).isoformat(),
            "dateline": article.dateline.name if article.dateline else "",
            "source": article.source,
            "bylines": [b.name for b in article.ordered_bylines],
            "regions": [r.slug for r in article.regions.all()],
            "tags": [t.slug for t in article.tags.all()],
        }


class _Echo:
    def write(self, value):
        return value


BYTE_ORDER_MARK = "\ufeff"
# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection"), with the
# full-width forms that some East Asian spreadsheet locales read the same way.
FORMULA_SIGNS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
# Cells starting with these are neutralised whatever follows (OWASP lists tab and CR).
FORMULA_STARTS = FORMULA_SIGNS | frozenset("\t\r\n")
NEUTRALISING_PREFIX = "'"


def _is_invisible(char):
    """Spaces, controls and format marks (RLM, LRM, ALM, BOM, ZWSP...): a spreadsheet
    may skip them before a formula sign, and a reader cannot see them."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def neutralise(text):
    """`text` (str) as a CSV cell that no spreadsheet evaluates: prefixed with an
    apostrophe when it starts with =, +, -, @ (or their full-width forms), a tab, CR or
    LF, or with one of those signs after leading spaces, controls or direction marks;
    otherwise unchanged. Removing the one leading apostrophe gives back `text`."""
    if not text:
        return text
    visible = next((char for char in text if not _is_invisible(char)), "")
    if text[0] in FORMULA_STARTS or visible in FORMULA_SIGNS:
        return NEUTRALISING_PREFIX + text
    return text


def csv_cell(value):
    """A row value (str, int or a list of str) as neutralised cell text."""
    if isinstance(value, list):
        value = "; ".join(value)
    return neutralise(str(value))


def csv_lines(rows):
    """The CSV as lines of text (str): a byte order mark, the header, one row per
    article; every cell quoted and neutralised."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)
    yield BYTE_ORDER_MARK + writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow(csv_cell(row[c]) for c in COLUMNS)


def json_chunks(rows, query):
    yield '{"query": ' + json.dumps(query) + ', "articles": ['
    for index, row in enumerate(rows):
        yield ("," if index else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]}\n"
