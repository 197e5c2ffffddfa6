"""The gazetteer (articles/gazetteer.py): its places, their names in four languages, and
loading it (load_gazetteer, migration 0014) over places and articles already stored."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from articles.gazetteer import iter_gazetteer, load_gazetteer
from articles.models import Region
from articles.wire.places import PlaceMatcher
from tests.factories import make_article, region

MIGRATION = "0014_gazetteer_grows_with_names_per_language"

# Every slug the gazetteer had before it grew: pages, links and articles use them.
SLUGS_BEFORE_0014 = {
    "iraq", "kurdistan-region", "erbil", "erbil-city", "soran", "koya", "shaqlawa", "duhok",
    "duhok-city", "zakho", "akre", "amedi", "sulaimani", "sulaimani-city", "ranya", "kalar",
    "penjwen", "halabja", "halabja-city", "nineveh", "mosul", "sinjar", "makhmour",
    "qarachugh-mountain", "tal-afar", "kirkuk", "kirkuk-city", "hawija", "salahuddin",
    "tikrit", "samarra", "baiji", "tuz-khurmatu", "makhul-mountain", "khanoka-mountains",
    "diyala", "baqubah", "khanaqin", "anbar", "ramadi", "fallujah", "baghdad", "baghdad-city",
    "basra", "basra-city", "babil", "karbala", "najaf", "wasit", "maysan", "dhi-qar",
    "muthanna", "qadisiyah", "tigris",
}  # fmt: skip
PLACES = list(iter_gazetteer())
BY_SLUG = {
    slug: (name, kind, names, alts, parent) for slug, name, kind, names, alts, parent in PLACES
}


def is_arabic_script(text):
    return any("\u0600" <= char <= "\u06ff" for char in text)


# --- the data -----------------------------------------------------------------------------


def test_every_slug_is_unique_and_the_old_slugs_are_kept():
    slugs = [slug for slug, *_ in PLACES]
    assert len(slugs) == len(set(slugs))
    assert set(slugs) >= SLUGS_BEFORE_0014


def test_every_place_has_a_name_in_sorani_kurmanji_and_arabic():
    for slug, _name, _kind, names, _alts, _parent in PLACES:
        assert set(names) == {"ckb", "kmr", "ar"}, slug
        assert is_arabic_script(names["ckb"]) and is_arabic_script(names["ar"]), slug
        assert names["kmr"] and not is_arabic_script(names["kmr"]), slug


def test_every_place_has_a_kind_regions_take():
    kinds = set(Region.Kind.values)
    assert {kind for _slug, _name, kind, *_ in PLACES} <= kinds


def test_the_nineteen_governorates_are_in_the_gazetteer():
    governorates = {slug for slug, _name, kind, *_ in PLACES if kind == "governorate"}
    assert len(governorates) == 19
    kurdistan = {s for s, (*_, parent) in BY_SLUG.items() if parent == "kurdistan-region"}
    assert {"erbil", "duhok", "sulaimani", "halabja"} <= kurdistan


def test_rivers_and_cross_border_areas_stand_outside_iraq():
    top_level = {slug for slug, *_, parent in PLACES if parent is None}
    rivers = {slug for slug, _name, kind, *_ in PLACES if kind == "river"}
    assert rivers == {
        "tigris", "euphrates", "great-zab", "little-zab", "diyala-river", "khabur",
        "shatt-al-arab",
    }  # fmt: skip
    assert rivers | {"hawraman", "iraq"} == top_level


def ancestors(slug):
    parent = BY_SLUG[slug][-1]
    return [parent, *ancestors(parent)] if parent else []


@pytest.mark.parametrize(
    ("slug", "inside"),
    [
        ("mosul-dam", "nineveh"), ("sinuni", "sinjar"), ("khanke", "duhok"),
        ("darbandikhan-dam", "sulaimani"), ("ibrahim-khalil", "zakho"),
        ("erbil-citadel", "erbil-city"), ("green-zone", "baghdad-city"), ("kufa", "najaf"),
        ("qandil-mountains", "kurdistan-region"), ("hamrin-mountains", "iraq"),
    ],
)  # fmt: skip
def test_places_lie_inside_their_governorate(slug, inside):
    assert inside in ancestors(slug)


def test_a_landmark_does_not_lie_inside_the_city_its_name_names():
    assert "mosul" not in ancestors("mosul-dam")


# --- what the migrations loaded -----------------------------------------------------------


@pytest.mark.django_db
def test_the_migrations_load_every_place_with_its_names():
    stored = {r.slug: r for r in Region.objects.all()}
    assert set(stored) == set(BY_SLUG)
    assert stored["erbil-city"].names == {"ckb": "هەولێر", "kmr": "Hewlêr", "ar": "أربيل"}
    assert stored["erbil-city"].name_in("ckb") == "هەولێر"
    assert stored["tigris"].path == "tigris/"
    assert stored["sinuni"].path == "iraq/nineveh/sinjar/sinuni/"
    assert stored["sinuni"].depth == 3


@pytest.mark.django_db
def test_loading_again_changes_nothing():
    before = {r.slug: (r.pk, r.path, r.names, r.alternative_names) for r in Region.objects.all()}
    assert load_gazetteer(Region) == len(before)
    after = {r.slug: (r.pk, r.path, r.names, r.alternative_names) for r in Region.objects.all()}
    assert after == before


def put_back_as_before_0014():
    """The rows as migration 0002 left them: the Tigris a landmark inside Iraq, no names
    per language, Diwaniyah only a spelling of Qadisiyah."""
    tigris = region("tigris")
    Region.objects.filter(pk=tigris.pk).update(
        parent=region("iraq"), path="iraq/tigris/", depth=1, kind="landmark", names={}
    )
    Region.objects.filter(slug="qadisiyah").update(
        alternative_names=["Al-Qadisiyah", "Diwaniyah"], names={}
    )
    Region.objects.filter(slug="diwaniyah").delete()


def run_migration_0014():
    """Migration 0014's RunPython, with the historical model it runs with."""
    apps = MigrationLoader(connection).project_state(("articles", MIGRATION)).apps
    module = importlib.import_module(f"articles.migrations.{MIGRATION}")
    module.load_places(apps, None)


@pytest.mark.django_db
def test_the_migration_keeps_stored_places_and_their_articles():
    put_back_as_before_0014()
    article = make_article(regions=["tigris", "qadisiyah"], dateline="qadisiyah")
    tigris_pk = region("tigris").pk
    # An editor's own place inside the Tigris, and a spelling an editor added.
    bank = Region.objects.create(name="Tigris west bank", kind="area", parent=region("tigris"))
    Region.objects.filter(slug="qadisiyah").update(
        alternative_names=["Al-Qadisiyah", "Diwaniyah", "Diwaniya governorate"]
    )

    run_migration_0014()

    tigris = Region.objects.get(slug="tigris")
    assert (tigris.pk, tigris.parent, tigris.path, tigris.kind) == (
        tigris_pk,
        None,
        "tigris/",
        "river",
    )
    assert tigris.names["ar"] == "نهر دجلة"
    bank.refresh_from_db()
    assert (bank.path, bank.depth) == (f"tigris/{bank.slug}/", 1)
    qadisiyah = Region.objects.get(slug="qadisiyah")
    assert "Diwaniya governorate" in qadisiyah.alternative_names
    assert Region.objects.get(slug="diwaniyah").parent == qadisiyah
    article.refresh_from_db()
    assert {r.slug for r in article.regions.all()} == {"tigris", "qadisiyah"}
    assert article.dateline == qadisiyah
    # The tree moved, so the Tigris's articles are no longer inside Iraq.
    assert not region("iraq").subtree().filter(pk=tigris.pk).exists()


@pytest.mark.django_db
def test_a_loaded_gazetteer_gives_a_matcher_for_every_language():
    matcher = PlaceMatcher.from_gazetteer()
    assert matcher.lookup("Hewlêr").slug == "erbil-city"
    assert matcher.lookup("سنوني").slug == "sinuni"
    assert matcher.lookup("سنوونی").slug == "sinuni"
