"""One agency, one byline: agencies found by any name copy credits them by.

`Kurdistan 24`, `Kurdistan24` and `K24` are one agency; so are `AP` and `Associated
Press`. An agency byline is found by its name or any of its `alternative_names` (which
editors keep in the admin), compared by `squashed`: without case, spaces or punctuation.
An agency copy credits for the first time is created under the name of `AGENCIES` with
its other names, when it is one of them; else under the name the copy gives.
"""

import unicodedata

from ..models import Byline

# The common agencies: (the name its byline gets, the other names it is credited by).
# Migration 0016 gave bylines already present these names and merged their duplicates.
AGENCIES = [
    ("AP", ["Associated Press", "The Associated Press"]),
    ("AFP", ["Agence France-Presse", "Agence France Presse"]),
    ("Reuters", ["Thomson Reuters"]),
    ("Xinhua", ["Xinhua News Agency"]),
    # As its Sorani and Arabic desks credit it too (seeds/*_ckb.txt, *_ar.txt).
    ("Kurdistan 24", ["Kurdistan24", "K24", "کوردستان ٢٤", "كوردستان 24"]),
    ("Rudaw", ["Rudaw Media Network", "ڕووداو", "رووداو"]),
    ("Shafaq News", ["Shafaq", "شفق نيوز"]),
    ("IraqiNews.com", ["Iraqi News", "IraqiNews"]),
    ("NINA", ["National Iraqi News Agency"]),
    ("INA", ["Iraqi News Agency"]),
    ("UNAMI", ["United Nations Assistance Mission for Iraq"]),
    ("dpa", ["Deutsche Presse-Agentur"]),
    ("Anadolu Agency", ["Anadolu"]),
    ("UPI", ["United Press International"]),
]
# Arabic and Persian forms of the letters Sorani writes otherwise: one name either way.
ARABIC_LETTER_FORMS = str.maketrans({"ك": "ک", "ي": "ی", "ى": "ی"})


def squashed(name):
    """What makes two agency names one: str -> its letters and digits, without case,
    digits of any script as ASCII, Arabic kaf and yeh as Sorani writes them
    ("Kurdistan 24" and "kurdistan24" -> "kurdistan24"; "كوردستان 24" and
    "کوردستان ٢٤" -> "کوردستان24")."""
    return "".join(
        str(unicodedata.digit(char)) if char.isdigit() else char
        for char in name.casefold().translate(ARABIC_LETTER_FORMS)
        if char.isalnum()
    )


KNOWN = {squashed(n): (name, aliases) for name, aliases in AGENCIES for n in (name, *aliases)}


def agency_names(byline):
    """Every name `byline` is found by: its name, its names in other languages, its
    alternative names."""
    return [byline.name, *(byline.names or {}).values(), *(byline.alternative_names or [])]


class Agencies:
    """The agency bylines of the database by squashed name, read once (on first use)."""

    def __init__(self):
        self._by_name = None

    def find(self, name):
        """The agency byline credited as `name`, or None."""
        if self._by_name is None:
            self._by_name = {}
            for byline in Byline.objects.filter(kind=Byline.Kind.AGENCY).order_by("pk"):
                for each in agency_names(byline):
                    self._by_name.setdefault(squashed(each), byline)
        return self._by_name.get(squashed(name))

    def add(self, byline):
        if self._by_name is not None:
            for each in agency_names(byline):
                self._by_name.setdefault(squashed(each), byline)


def new_agency(name):
    """(name, alternative names) of the byline for an agency first credited as `name`:
    the common agency's (AGENCIES) when it is one, else `name` alone."""
    return KNOWN.get(squashed(name), (name, []))
