"""The archive's current result as CSV or JSON, for researchers.

Rows are streamed from the database in chunks, so a result of any size is never held
in memory; bylines, places and tags are fetched per chunk, not per row."""

import csv
import json

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


def csv_lines(rows):
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow(
            "; ".join(row[c]) if isinstance(row[c], list) else row[c] for c in COLUMNS
        )


def json_chunks(rows, query):
    yield '{"query": ' + json.dumps(query) + ', "articles": ['
    for index, row in enumerate(rows):
        yield ("," if index else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]}\n"
