"""The gazetteer the archive ships with: Iraq, the Kurdistan Region, the governorates
and the places the wire copy names. Loaded by a data migration; `load_gazetteer`
is idempotent, so adding places here and running it again only adds or updates.

Each entry: (slug, name, kind, alternative spellings, places inside it).
Cities that share a governorate's name get a `-city` slug; the plain slug is the
governorate, which contains the city.
"""

from django.db import transaction

GAZETTEER = [
    ("iraq", "Iraq", "country", ["Republic of Iraq"], [
        ("kurdistan-region", "Kurdistan Region", "region",
         ["Kurdistan Region of Iraq", "Iraqi Kurdistan", "KRI"], [
            ("erbil", "Erbil", "governorate", ["Erbil Governorate", "Arbil", "Hawler"], [
                ("erbil-city", "Erbil", "city", ["Arbil", "Hawler", "Hewler"], []),
                ("soran", "Soran", "district", [], []),
                ("koya", "Koya", "district", ["Koysinjaq"], []),
                ("shaqlawa", "Shaqlawa", "district", [], []),
            ]),
            ("duhok", "Duhok", "governorate", ["Dohuk", "Dahuk"], [
                ("duhok-city", "Duhok", "city", ["Dohuk", "Dahuk"], []),
                ("zakho", "Zakho", "district", ["Zaxo"], []),
                ("akre", "Akre", "district", ["Aqrah", "Akra"], []),
                ("amedi", "Amedi", "district", ["Amadiya", "Amadiyah"], []),
            ]),
            ("sulaimani", "Sulaimani", "governorate",
             ["Sulaymaniyah", "Sulaimaniyah", "Slemani", "Sulaimani Governorate"], [
                ("sulaimani-city", "Sulaimani", "city",
                 ["Sulaymaniyah", "Sulaimaniyah", "Slemani"], []),
                ("ranya", "Ranya", "district", ["Raniya"], []),
                ("kalar", "Kalar", "district", [], []),
                ("penjwen", "Penjwen", "district", ["Penjwin"], []),
            ]),
            ("halabja", "Halabja", "governorate", ["Halabja Governorate"], [
                ("halabja-city", "Halabja", "city", [], []),
            ]),
        ]),
        ("nineveh", "Nineveh", "governorate",
         ["Ninawa", "Ninewa", "Nineveh Governorate", "Nineveh province"], [
            ("mosul", "Mosul", "city", ["Mawsil"], []),
            ("sinjar", "Sinjar", "district", ["Shingal", "Shengal"], []),
            ("makhmour", "Makhmour", "district", ["Makhmur"], [
                ("qarachugh-mountain", "Qarachugh Mountain", "landmark",
                 ["Qarachugh", "Qarachogh", "Qara Chogh", "Qarachokh", "Qara Chokh",
                  "Qarachogh Mountain", "Qara Chogh Mountain"], []),
            ]),
            ("tal-afar", "Tal Afar", "district", ["Tel Afar", "Tall Afar"], []),
        ]),
        ("kirkuk", "Kirkuk", "governorate", ["Kirkuk Governorate", "Karkuk"], [
            ("kirkuk-city", "Kirkuk", "city", ["Karkuk"], []),
            ("hawija", "Hawija", "district", ["Hawijah"], []),
        ]),
        ("salahuddin", "Salahuddin", "governorate",
         ["Salah al-Din", "Salah ad-Din", "Salahaddin", "Saladin"], [
            ("tikrit", "Tikrit", "city", [], []),
            ("samarra", "Samarra", "city", [], []),
            ("baiji", "Baiji", "city", ["Bayji"], []),
            ("tuz-khurmatu", "Tuz Khurmatu", "district", ["Tuz Khurmatoo", "Tuz Khormato"], []),
            ("makhul-mountain", "Makhul Mountain", "landmark",
             ["Makhul", "Makhoul Mountain", "Makhoul", "Makhul Mountains"], []),
            ("khanoka-mountains", "Khanoka Mountains", "landmark",
             ["Khanoka", "Khanuqa Mountains", "Khanuka Mountains"], []),
        ]),
        ("diyala", "Diyala", "governorate", ["Diyala Governorate"], [
            ("baqubah", "Baqubah", "city", ["Baquba", "Ba'qubah"], []),
            ("khanaqin", "Khanaqin", "district", [], []),
        ]),
        ("anbar", "Anbar", "governorate", ["Al-Anbar", "Al Anbar"], [
            ("ramadi", "Ramadi", "city", [], []),
            ("fallujah", "Fallujah", "city", ["Falluja"], []),
        ]),
        ("baghdad", "Baghdad", "governorate", ["Baghdad Governorate"], [
            ("baghdad-city", "Baghdad", "city", [], []),
        ]),
        ("basra", "Basra", "governorate", ["Basrah"], [
            ("basra-city", "Basra", "city", ["Basrah"], []),
        ]),
        ("babil", "Babil", "governorate", ["Babylon Governorate"], []),
        ("karbala", "Karbala", "governorate", ["Kerbala"], []),
        ("najaf", "Najaf", "governorate", [], []),
        ("wasit", "Wasit", "governorate", ["Wassit"], []),
        ("maysan", "Maysan", "governorate", ["Missan"], []),
        ("dhi-qar", "Dhi Qar", "governorate", ["Thi Qar"], []),
        ("muthanna", "Muthanna", "governorate", ["Al-Muthanna"], []),
        ("qadisiyah", "Qadisiyah", "governorate", ["Al-Qadisiyah", "Diwaniyah"], []),
        ("tigris", "Tigris River", "landmark", ["Tigris"], []),
    ]),
]  # fmt: skip


def iter_gazetteer(entries=GAZETTEER, parent_slug=None):
    """Yield (slug, name, kind, alternative_names, parent_slug), parents before children."""
    for slug, name, kind, alternatives, children in entries:
        yield slug, name, kind, alternatives, parent_slug
        yield from iter_gazetteer(children, slug)


@transaction.atomic
def load_gazetteer(region_model):
    """Create or update every gazetteer place. Takes the model so that a data
    migration can pass its historical model, which has no custom save()."""
    by_slug = {}
    for slug, name, kind, alternatives, parent_slug in iter_gazetteer():
        parent = by_slug.get(parent_slug)
        path = f"{parent.path if parent else ''}{slug}/"
        region, _ = region_model.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "alternative_names": alternatives,
                "parent": parent,
                "path": path,
                "depth": path.count("/") - 1,
            },
        )
        by_slug[slug] = region
    return len(by_slug)
