#!/usr/bin/env python3
"""What reading a delivered document costs (articles.wire.formats.parse_delivery).

    .venv/bin/python bench/wire_formats.py [--repeat 3]

Parses each fixture in tests/wire_copy/ and documents made to the size limit
(MAX_DELIVERY_BYTES) in the shapes that cost most: many short paragraphs, one long
paragraph, one long paragraph in capitals (what a dateline starts with), one ending in
slashes (what a desk code is made of). Prints the best of --repeat times for each, the
size, and what came out. No database is needed.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from articles.wire.formats import MAX_DELIVERY_BYTES, parse_delivery  # noqa: E402
from articles.wire.story import WireCopyError  # noqa: E402

NAR = "http://iptc.org/std/nar/2006-10-01/"


def news_item(body):
    return (
        f'<newsItem xmlns="{NAR}" guid="bench" version="1"><itemMeta><itemClass '
        f'qcode="ninat:text"/></itemMeta><contentMeta><headline>Bench</headline></contentMeta>'
        f'<contentSet><inlineXML><html xmlns="http://www.w3.org/1999/xhtml"><body>{body}'
        "</body></html></inlineXML></contentSet></newsItem>"
    ).encode()


def cases():
    for path in sorted((ROOT / "tests" / "wire_copy").rglob("*")):
        if path.suffix in (".json", ".xml"):
            yield f"fixture {path.name}", path.name, path.read_bytes()
    room = MAX_DELIVERY_BYTES - 1024
    sentence = "<p>The minister said the talks would go on.</p>"
    yield "NewsML, short paragraphs", "a.xml", news_item(sentence * (room // len(sentence)))
    yield "NewsML, one paragraph", "a.xml", news_item("<p>" + "word " * (room // 5) + "</p>")
    yield "NewsML, capitals", "a.xml", news_item("<p>" + "ERBIL " * (room // 6) + "</p>")
    yield "NewsML, slashes", "a.xml", news_item("<p>said. " + "ab/" * (room // 3) + "</p>")
    lines = {"uri": "bench", "headline": "Bench", "body_text": "A line of text.\n" * (room // 17)}
    yield "ninjs, lines", "a.json", json.dumps(lines).encode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for label, name, data in cases():
        best, outcome = None, ""
        for _ in range(args.repeat):
            start = time.perf_counter()
            try:
                story = parse_delivery(name, data)
                outcome = f"{len(story.body_paragraphs)} paragraphs"
            except WireCopyError as error:
                outcome = f"WireCopyError: {error}"
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
        print(f"| {label} | {len(data) / 1024:,.0f} KiB | {best * 1000:,.1f} ms | {outcome} |")


if __name__ == "__main__":
    main()
