"""The archive's current result as CSV or JSON, for researchers.

Rows are streamed from the database in chunks, so a result of any size is never held
in memory; bylines, places and tags are fetched per chunk, not per row.

An export is one page of at most MAX_LIMIT articles (`limit`, default DEFAULT_LIMIT),
newest first; where more follow, the response says where the next page is (a `Link:
<...>; rel="next"` header, and `next` in the JSON), given by `after`, a cursor naming
the last article sent. A page costs what a page of the archive list costs, so many
researchers at once cannot hold the server's threads for minutes and starve readers.

The CSV is made to be opened in a spreadsheet: it starts with a UTF-8 byte order mark
(so Excel reads Arabic-script text as UTF-8), every cell is quoted (so a `;` or `,` in a
headline cannot start a new cell in a locale whose separator it is), and a cell that a
spreadsheet would run as a formula gets a leading apostrophe (see `neutralise`). The
JSON export carries every text exactly as stored.

Each process streams at most EXPORTS_AT_ONCE exports at a time (setting
EXPORTS_PER_PROCESS): another export meanwhile is a 429 with Retry-After, so exports can
never hold every thread while readers wait."""

import csv
import datetime
import json
import re
import threading
import unicodedata
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

COLUMNS = [
    "id", "url", "headline", "summary", "published_at", "updated_at", "dateline", "source",
    "bylines", "regions", "tags",
]  # fmt: skip
CHUNK_SIZE = 1000
DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000
CURSOR_RE = re.compile(r"(?P<moment>[0-9T:.\-]{19,26}Z)_(?P<pk>[1-9][0-9]{0,18})")
ORDER = ("-published_at", "-pk")
EXPORTS_AT_ONCE = threading.BoundedSemaphore(settings.EXPORTS_PER_PROCESS)
EXPORT_RETRY_AFTER_SECONDS = 10


def export_slot():
    """A slot for one export in this process, or None when EXPORTS_PER_PROCESS exports
    are streaming already. Give it back with `released_when_done`."""
    return EXPORTS_AT_ONCE if EXPORTS_AT_ONCE.acquire(blocking=False) else None


def released_when_done(chunks, slot):
    """`chunks`, giving the export slot back once they are all sent, or the client has
    gone (the server closes the response, which closes this generator)."""
    try:
        yield from chunks
    finally:
        slot.release()


class ExportPageForm(forms.Form):
    """`limit` (1 to MAX_LIMIT articles) and `after` (a cursor from a `next` link)."""

    limit = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_LIMIT,
        error_messages={
            "invalid": f"Enter a whole number of articles, at most {MAX_LIMIT}.",
            "max_value": "An export holds at most %(limit_value)s articles: follow its next link.",
        },
    )
    after = forms.CharField(required=False, max_length=64, strip=False)

    def clean_limit(self):
        return self.cleaned_data["limit"] or DEFAULT_LIMIT

    def clean_after(self):
        value = self.cleaned_data["after"]
        if not value:
            return None
        match = CURSOR_RE.fullmatch(value)
        try:
            moment = datetime.datetime.fromisoformat(match["moment"]) if match else None
        except ValueError:
            moment = None
        if moment is None:
            raise forms.ValidationError("Not a cursor from a next link; start again without it.")
        return moment, int(match["pk"])


def cursor(published_at, pk):
    """The `after` value (str) that continues after the article (published_at, pk)."""
    moment = published_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return f"{moment}_{pk}"


@dataclass
class ExportPage:
    """One page of an export: the articles to send (a queryset, newest first) and the
    cursor of the next page (str), or None where this page is the last."""

    queryset: object
    next_cursor: str | None


def export_page(queryset, limit, after=None):
    """At most `limit` articles of `queryset` newest first, after the cursor `after`
    ((published_at, pk), as ExportPageForm cleans it). Two cheap queries on the date
    index find where the page ends; the page is then bounded by that article, not by
    a slice, so an article published meanwhile is never skipped between pages."""
    queryset = queryset.order_by(*ORDER)
    if after is not None:
        moment, pk = after
        queryset = queryset.filter(Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk))
    ends = list(queryset.values_list("published_at", "pk")[limit - 1 : limit + 1])
    if len(ends) < 2:
        return ExportPage(queryset, None)
    last_moment, last_pk = ends[0]
    page = queryset.filter(
        Q(published_at__gt=last_moment) | Q(published_at=last_moment, pk__gte=last_pk)
    )
    return ExportPage(page, cursor(last_moment, last_pk))


def export_rows(queryset, build_url):
    for article in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "id": article.pk,
            "url": build_url(article.get_absolute_url()),
            "headline": article.headline,
            "summary": article.summary,
            "published_at": timezone.localtime(article.published_at).isoformat(),
            # Never earlier than the publication time (Article.modified_at).
            "updated_at": timezone.localtime(article.modified_at).isoformat(),
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


def json_chunks(rows, query, next_url=None):
    """The JSON as chunks of text: {"query": {...}, "next": URL or null, "articles":
    [...]}, the texts exactly as stored."""
    yield '{"query": ' + json.dumps(query, ensure_ascii=False)
    yield ', "next": ' + json.dumps(next_url) + ', "articles": ['
    for index, row in enumerate(rows):
        yield ("," if index else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]}\n"
