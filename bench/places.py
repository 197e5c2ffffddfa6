#!/usr/bin/env python3
"""The place matcher on a 5,000-character story, with the whole gazetteer.

    python bench/places.py [--number 50] [--repeat 5] [--extra 0]

Builds PlaceMatcher from every place in articles/gazetteer.py (in memory, as the
importer builds it once per run from the same rows), then times, with timeit, find()
and match() on 5,000 characters of the seed story (English) and on 5,000 characters of
Arabic and Sorani copy. Prints the number of names, the time to build and the best of
--repeat runs of --number calls, per call. --extra adds that many made-up places, each
with an English, Sorani, Kurmanji and Arabic name, to see the cost of a larger gazetteer.
"""

import argparse
import os
import random
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from articles.gazetteer import iter_gazetteer  # noqa: E402
from articles.models import Region  # noqa: E402
from articles.wire.places import PlaceMatcher  # noqa: E402

ARABIC_SCRIPT = (
    "قصفت طائرات مسيرة قرية كاني ماسي التابعة لقضاء العمادية في محافظة دهوك، وقال النائب "
    "صلاح الدين كريم إن القصف طال أيضاً مناطق قرب سد الموصل ونهر دجلة. "
    "فڕۆکەکان گوندەکانی نزیک ئامێدی و زاخۆیان لە پارێزگای دهۆک بۆردومان کرد، پەرلەمانتار "
    "سۆران ئەحمەد گوتی خەڵکی لە هەولێرەوە بۆ سلێمانی ڕۆیشتن. "
)


def made_up_places(count, first_pk):
    """`count` districts with made-up names in the four languages' scripts."""
    chance = random.Random(14)
    latin, arabic = "abdeghiklmnoqrstuwxyz", "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    places = []
    for index in range(count):
        word = lambda letters: "".join(chance.choice(letters) for _ in range(7))  # noqa: E731
        names = {"ckb": word(arabic), "kmr": word(latin).title(), "ar": word(arabic)}
        places.append(
            Region(
                pk=first_pk + index,
                slug=f"made-up-{index}",
                name=word(latin).title(),
                kind="district",
                names=names,
                alternative_names=[],
                path=f"made-up-{index}/",
                depth=0,
            )  # fmt: skip
        )
    return places


def regions():
    paths, places = {}, []
    for pk, (slug, name, kind, names, alternatives, parent) in enumerate(iter_gazetteer(), 1):
        paths[slug] = f"{paths.get(parent, '')}{slug}/"
        places.append(
            Region(
                pk=pk,
                slug=slug,
                name=name,
                kind=kind,
                names=names,
                alternative_names=alternatives,
                path=paths[slug],
                depth=paths[slug].count("/") - 1,
            )  # fmt: skip
        )
    return places


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--extra", type=int, default=0)
    args = parser.parse_args()
    places = regions()
    places += made_up_places(args.extra, len(places) + 1)
    build = timeit.timeit(lambda: PlaceMatcher(places), number=1)
    matcher = PlaceMatcher(places)
    seed = next((ROOT / "seeds").glob("*.txt")).read_text(encoding="utf-8")
    stories = {
        "English (the seed story)": (seed * (5000 // len(seed) + 1))[:5000],
        "Arabic and Sorani": (ARABIC_SCRIPT * (5000 // len(ARABIC_SCRIPT) + 1))[:5000],
    }
    print(f"{len(places)} places, {len(matcher.places_by_name)} names; built in {build:.2f} s")
    for label, story in stories.items():
        for method in ("find", "match"):
            call = getattr(matcher, method)
            runs = timeit.repeat(lambda: call(story), number=args.number, repeat=args.repeat)  # noqa: B023
            per_call = min(runs) / args.number * 1000
            print(f"{label}: {method}() {per_call:.1f} ms per {len(story):,}-character story")


if __name__ == "__main__":
    main()
