"""Places named in wire copy, found in the gazetteer (articles.gazetteer, Region)."""

import re

from ..models import Region


def _normalise(text):
    return " ".join(text.split())


class PlaceMatcher:
    """Finds gazetteer places named in text, by name or alternative spelling.

    Built once per import run: one compiled pattern, longest names first so that
    "Qarachugh Mountain" wins over "Qarachugh". Where a name belongs to several
    places (Erbil the city and the governorate), the most specific place wins."""

    def __init__(self, regions):
        self.places_by_name = {}
        for region in regions:
            for name in region.all_names:
                key = name.casefold()
                current = self.places_by_name.get(key)
                if current is None or region.depth > current.depth:
                    self.places_by_name[key] = region
        names = sorted(self.places_by_name, key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.I)
            if names
            else None
        )

    @classmethod
    def from_gazetteer(cls):
        return cls(Region.objects.all())

    def lookup(self, name):
        return self.places_by_name.get(_normalise(name).casefold())

    def find(self, text):
        if self.pattern is None:
            return []
        found = {}
        for match in self.pattern.finditer(text):
            region = self.places_by_name[match.group(1).casefold()]
            found.setdefault(region.pk, region)
        return list(found.values())
