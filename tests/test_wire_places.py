"""PlaceMatcher and is_abroad (articles/wire/places.py) against the gazetteer the
migrations load: kinds, spellings, the four languages, people, abroad, unmatched names."""

from collections import Counter

import pytest

from articles.models import Region
from articles.wire.places import CONTEXT_ONLY, Matches, PlaceMatcher, is_abroad, name_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def matcher(db):
    return PlaceMatcher.from_gazetteer()


def slugs(regions):
    return {region.slug for region in regions}


# --- a governorate, a city, a kind --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Heavy rain flooded villages in Duhok province on Sunday.", "duhok"),
        ("Security was tightened across Kirkuk Governorate after the attack.", "kirkuk"),
        ("Teachers in Sulaimani province went on strike.", "sulaimani"),
        ("A curfew was declared in the province of Nineveh.", "nineveh"),
        ("Farmers in Salahaddin province lost their harvest.", "salahuddin"),
        ("The Diwaniyah province council met.", "qadisiyah"),
        ("Clashes broke out in Anbar province.", "anbar"),
        ("فرضت السلطات حظر التجوال في محافظة كركوك.", "kirkuk"),
        ("مامۆستایان لە پارێزگای سلێمانی مانیان گرت.", "sulaimani"),
        ("Baran li parêzgeha Duhokê barî.", "duhok"),
    ],
)
def test_a_governorate_named_with_its_kind_is_the_governorate(matcher, text, slug):
    assert slugs(matcher.find(text)) == {slug}


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("A rally was held in Duhok on Sunday.", "duhok-city"),
        ("Traffic was heavy in Kirkuk.", "kirkuk-city"),
        ("Pilgrims reached Karbala before dawn.", "karbala-city"),
        ("The market in Najaf reopened.", "najaf-city"),
        ("Life in Kirkuk city returned to normal.", "kirkuk-city"),
        ("تجمع المتظاهرون في كركوك.", "kirkuk-city"),
    ],
)
def test_a_bare_city_name_is_the_city_not_its_governorate(matcher, text, slug):
    assert slugs(matcher.find(text)) == {slug}


def test_a_district_named_with_its_kind_is_the_district(matcher):
    assert slugs(matcher.find("Displaced families returned to Sinjar district.")) == {"sinjar"}
    assert slugs(matcher.find("عادت العائلات إلى قضاء سنجار.")) == {"sinjar"}


@pytest.mark.parametrize(
    ("spelling", "slug"),
    [
        ("Sulaimaniya", "sulaimani-city"),
        ("Suleimaniyah", "sulaimani-city"),
        ("Sulaymaniyah", "sulaimani-city"),
        ("Slemani", "sulaimani-city"),
        ("Zako", "zakho"),
        ("Zaxo", "zakho"),
        ("Ninewah", "nineveh"),
        ("Ninawa", "nineveh"),
        ("Salahudin", "salahuddin"),
        ("Salah al-Din", "salahuddin"),
        ("Salah al Din", "salahuddin"),
        ("Arbil", "erbil-city"),
        ("Irbil", "erbil-city"),
        ("Hawler", "erbil-city"),
        ("Dohuk", "duhok-city"),
        ("Tel Afar", "tal-afar"),
        ("Shingal", "sinjar"),
        ("Bakhdida", "qaraqosh"),
        ("Heet", "hit"),
        ("Fao", "faw"),
    ],
)
def test_spelling_variants_readers_use_find_the_place(matcher, spelling, slug):
    assert slugs(matcher.find(f"Officials met in {spelling} on Monday.")) == {slug}


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Sinuni", "sinuni"), ("Khanke", "khanke"), ("Darbandikhan", "darbandikhan"),
        ("Chwarta", "chwarta"), ("al-Qaim", "al-qaim"), ("Heet", "hit"), ("Hit", "hit"),
        ("Sinjar", "sinjar"), ("Tal Afar", "tal-afar"), ("Bashiqa", "bashiqa"),
        ("Bartella", "bartella"), ("Qaraqosh", "qaraqosh"), ("Makhmour", "makhmour"),
        ("Khabat", "khabat"), ("Rawanduz", "rawanduz"), ("Sidakan", "sidakan"),
        ("Choman", "choman"), ("Semel", "semel"), ("Shekhan", "shekhan"),
        ("Bardarash", "bardarash"), ("Kifri", "kifri"), ("Tuz Khurmatu", "tuz-khurmatu"),
        ("Daquq", "daquq"), ("Hawija", "hawija"), ("Baiji", "baiji"), ("Tikrit", "tikrit"),
        ("Samarra", "samarra"), ("Fallujah", "fallujah"), ("Ramadi", "ramadi"),
        ("Haditha", "haditha"), ("Rutba", "rutba"), ("Khanaqin", "khanaqin"),
        ("Jalawla", "jalawla"), ("Mandali", "mandali"), ("Baqubah", "baqubah"), ("Kut", "kut"),
        ("Amarah", "amarah"), ("Nasiriyah", "nasiriyah"), ("Samawah", "samawah"),
        ("Diwaniyah", "diwaniyah"), ("Hillah", "hillah"), ("Kufa", "kufa"),
        ("Zubair", "zubair"), ("Umm Qasr", "umm-qasr"), ("Faw", "faw"), ("Rabia", "rabia"),
        ("Faysh Khabur", "faysh-khabur"), ("Ibrahim Khalil", "ibrahim-khalil"),
        ("Parwez Khan", "parwez-khan"), ("Bashmakh", "bashmakh"), ("Haji Omaran", "haji-omaran"),
        ("Penjwen", "penjwen"), ("Qandil", "qandil-mountains"),
    ],
)  # fmt: skip
def test_the_towns_and_districts_the_news_names_are_found(matcher, name, slug):
    assert slugs(matcher.find(f"Residents of a village near {name} were evacuated.")) == {slug}


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Engineers inspected Mosul Dam on Tuesday.", "mosul-dam"),
        ("Water levels at Dukan Dam fell.", "dukan-dam"),
        ("Fishermen on Lake Dukan complained.", "dukan-dam"),
        ("Darbandikhan Dam was damaged in the earthquake.", "darbandikhan-dam"),
        ("Haditha Dam holds back the Euphrates.", "haditha-dam"),
        ("Tourists visited Erbil Citadel.", "erbil-citadel"),
        ("Yazidis gathered at Lalish for the feast.", "lalish"),
        ("Trucks queued at the Ibrahim Khalil crossing.", "ibrahim-khalil"),
        ("Flights resumed at Erbil International Airport.", "erbil-international-airport"),
        ("Rockets landed near the Green Zone.", "green-zone"),
        ("Drones struck Ain al-Asad air base.", "ain-al-asad"),
    ],
)
def test_a_landmark_is_found_not_the_city_in_its_name(matcher, text, slug):
    found = slugs(matcher.find(text))
    assert slug in found
    assert not found & {"mosul", "erbil-city", "dukan", "darbandikhan", "haditha"}


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("the Nineveh Plains", "nineveh-plains"), ("the Sinjar Mountains", "sinjar-mountains"),
        ("Mount Sinjar", "sinjar-mountains"), ("the Qandil Mountains", "qandil-mountains"),
        ("the Hamrin Mountains", "hamrin-mountains"), ("Garmiyan", "garmiyan"),
        ("Badinan", "badinan"), ("Bahdinan", "badinan"), ("Hawraman", "hawraman"),
    ],
)  # fmt: skip
def test_areas_plains_and_mountains_are_found(matcher, name, slug):
    assert slugs(matcher.find(f"Shelling was reported across {name} overnight.")) == {slug}


def test_a_river_crossing_a_border_does_not_make_a_story_iraqi(matcher):
    found = matcher.find("Dams on the Tigris in Turkey cut the flow downstream.")
    assert slugs(found) == {"tigris"}
    assert found[0].parent is None


def test_a_river_and_the_city_on_it_are_both_found(matcher):
    assert slugs(matcher.find("The Tigris in Mosul is at its lowest.")) == {"tigris", "mosul"}


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("The Euphrates is drying up.", "euphrates"),
        ("The Great Zab flooded.", "great-zab"),
        ("Water in the Little Zab rose.", "little-zab"),
        ("The Sirwan River is polluted.", "diyala-river"),
        ("The Khabur River marks the border.", "khabur"),
        ("Ships waited on the Shatt al-Arab.", "shatt-al-arab"),
    ],
)
def test_rivers_are_found_as_rivers(matcher, text, slug):
    assert slugs(matcher.find(text)) == {slug}


@pytest.mark.parametrize(
    "text",
    [
        "Rockets hit the base at dawn.",
        "Rockets Hit Base Housing US Troops",
        "The town was hit hard.",
    ],
)
def test_a_place_named_like_a_common_word_needs_a_preposition_or_its_kind(matcher, text):
    assert matcher.find(text) == []


def test_hit_after_a_preposition_or_with_its_kind_is_the_town(matcher):
    assert slugs(matcher.find("Fighting resumed in Hit on Friday.")) == {"hit"}
    assert slugs(matcher.find("Elders from Hit district met.")) == {"hit"}


# --- people are not places ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Lawmaker Soran Ahmed called for an inquiry.",
        "MP Ranya Hassan called for an inquiry.",
        "Minister Khabat Aziz called for an inquiry.",
        "Governor Soran Omar called for an inquiry.",
        "KDP spokesperson Soran Mustafa called for an inquiry.",
        "Sheikh Barzan Mahmoud called for an inquiry.",
        "Dr. Khabat Mohammed called for an inquiry.",
        "President Soran Aziz called for an inquiry.",
    ],
)
def test_a_name_after_a_title_is_a_person(matcher, text):
    assert matcher.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "On Monday, Salah al-Din Karim said the talks had failed.",
        "On Monday, Soran Ahmed told Rudaw the talks had failed.",
        "On Monday, Khabat Mohammed, a lawmaker, left the session.",
        "The talks failed, Ranya Hassan added.",
        "“We are ready,” Kawa Amedi said.",
        "The report quoted Soran Ahmed Hama's statement.",
    ],
)
def test_a_name_with_a_surname_and_a_verb_of_speech_is_a_person(matcher, text):
    assert matcher.find(text) == []


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Farmers in Salahaddin province lost their harvest.", "salahuddin"),
        ("Fighting continued in Salah al-Din.", "salahuddin"),
        ("Salah al-Din lies north of Tikrit, officials said.", {"salahuddin", "tikrit"}),
        ("Erbil Governor Omed Khoshnaw said the roads were open.", "erbil-city"),
        ("Kirkuk Police said two men were arrested.", "kirkuk-city"),
        ("Heavy snow fell in Soran on Monday.", "soran"),
        ("Baghdad said it would respond.", "baghdad-city"),
        ("Ranya, a town near the border, was quiet.", "ranya"),
    ],
)
def test_a_place_beside_words_places_take_stays_a_place(matcher, text, slug):
    assert slugs(matcher.find(text)) == ({slug} if isinstance(slug, str) else slug)


@pytest.mark.parametrize(
    "text",
    [
        "قال النائب صلاح الدين كريم إن المحادثات فشلت.",
        "وقال صلاح الدين كريم إن المحادثات فشلت.",
        "أكد الشيخ صلاح الدين كريم أن المحادثات فشلت.",
        "پەرلەمانتار سۆران ئەحمەد داوای لێکۆڵینەوەی کرد.",
        "بەڕێز سۆران ئەحمەد داوای لێکۆڵینەوەی کرد.",
        "Parlamenter Soran Ehmed daxwaza lêpirsînê kir.",
    ],
)
def test_a_name_after_an_arabic_sorani_or_kurmanji_title_is_a_person(matcher, text):
    assert matcher.find(text) == []


def test_an_arabic_script_place_after_a_preposition_stays_a_place(matcher):
    assert slugs(matcher.find("اشتباكات في محافظة صلاح الدين")) == {"salahuddin"}
    assert slugs(matcher.find("اشتباكات في صلاح الدين")) == {"salahuddin"}
    assert slugs(matcher.find("بەفر لە سۆران باری")) == {"soran"}


def test_a_person_named_like_a_place_in_a_headline_is_still_known_by_a_title(matcher):
    assert matcher.find("Lawmaker Soran Ahmed Calls For Inquiry") == []


# --- four languages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "خۆپیشاندان لە هەولێر",  # Sorani
        "Xwepêşandan li Hewlêrê",  # Kurmanji, oblique case
        "Xwepesandan li Hewlere",  # Kurmanji typed without ê
        "تظاهرة في أربيل",  # Arabic
        "تظاهرة في اربيل",  # Arabic without the hamza
        "تظاهرة بأربيل",  # Arabic with a clitic
        "خۆپیشاندان لە هەولێردا",  # Sorani postposition
        "خۆپیشاندان لە هەولێرەوە",
        "خوپيشاندان له ههولێر",  # Sorani typed with Arabic ي and ه
    ],
)
def test_erbil_is_found_in_every_language_and_its_letter_variants(matcher, text):
    assert slugs(matcher.find(text)) == {"erbil-city"}


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("انفجار في الموصل", "mosul"),
        ("عاد النازحون للموصل", "mosul"),
        ("زار الوفد كركوك والموصل", {"kirkuk-city", "mosul"}),
        ("تەقینەوە لە کەرکووک", "kirkuk-city"),
        ("تەقینەوە لە كەركووك", "kirkuk-city"),  # Arabic ك for Sorani ک
        ("Teqîn li Kerkûkê", "kirkuk-city"),
        ("Teqin li Kerkuke", "kirkuk-city"),
        ("باران لە سلێمانییەوە", "sulaimani-city"),
        ("Baran li Silêmaniyê", "sulaimani-city"),
        ("أمطار في السليمانيه", "sulaimani-city"),  # ه for ة
    ],
)
def test_arabic_script_and_kurmanji_forms_are_found(matcher, text, slug):
    expected = {slug} if isinstance(slug, str) else slug
    assert slugs(matcher.find(text)) == expected


def test_every_place_is_found_by_each_of_its_four_names(matcher):
    missed = []
    for region in Region.objects.all():
        for language in ("en", "ckb", "kmr", "ar"):
            name = region.name if language == "en" else region.names[language]
            if name_key(name) in CONTEXT_ONLY:
                continue
            text = f"قرب {name}." if language in ("ckb", "ar") else f"near {name}."
            found = matcher.find(text)
            # The place, or a place inside it that bears the same name (Erbil's city).
            if len(found) != 1 or not found[0].path.startswith(region.path):
                missed.append((region.slug, language, name, slugs(found)))
    assert missed == []


def test_an_iraqi_adjective_is_not_iraq_in_arabic_either(matcher):
    assert matcher.find("القوات العراقية") == []
    assert slugs(matcher.find("في العراق")) == {"iraq"}


# --- abroad -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dateline",
    [
        "ANKARA", "ROME", "HASANKEYF, Turkey", "Qamishli, Syria", "Tehran", "DIYARBAKIR",
        "KOBANI", "Amman", "DUHOK, Turkey", "Sanandaj, Iran", "طهران", "ئەنقەرە", "Qamişlo",
        "WASHINGTON", "دهوك، تركيا",
    ],
)  # fmt: skip
def test_a_dateline_abroad_is_abroad(dateline):
    assert is_abroad(dateline)


@pytest.mark.parametrize(
    "dateline",
    [
        "ERBIL", "Erbil, Kurdistan Region", "Makhmour, Nineveh", "BAGHDAD", "SINUNI",
        "DUHOK, Iraq", "KIRKUK, Kirkuk Governorate", "هەولێر", "أربيل، إقليم كوردستان", "",
    ],
)  # fmt: skip
def test_a_dateline_in_iraq_or_unknown_is_not_abroad(dateline):
    assert not is_abroad(dateline)


def test_a_dateline_abroad_matches_no_iraqi_place_and_is_not_unmatched(matcher):
    for dateline in ("ANKARA", "HASANKEYF, Turkey", "DUHOK, Turkey", "Qamishli, Syria"):
        assert matcher.match("Talks were held.", dateline=dateline) == Matches()


def test_a_dateline_in_the_gazetteer_is_matched(matcher):
    assert matcher.match("", dateline="ERBIL").dateline.slug == "erbil-city"
    assert matcher.match("", dateline="Makhmour, Nineveh").dateline.slug == "makhmour"
    assert matcher.match("", dateline="دهۆک").dateline.slug == "duhok-city"
    assert matcher.match("", dateline="أربيل، إقليم كوردستان").dateline.slug == "erbil-city"


def test_places_abroad_named_in_the_text_are_neither_matched_nor_unmatched(matcher):
    matches = matcher.match("Talks in Ankara and Tehran ended; envoys flew from Amman.")
    assert (matches.regions, matches.unmatched) == ([], ())


# --- unmatched places ---------------------------------------------------------------------


def test_a_dateline_not_in_the_gazetteer_is_unmatched(matcher):
    matches = matcher.match("Turkish drones struck a village.", dateline="KANI QIRZHALA")
    assert (matches.dateline, matches.unmatched) == (None, ("KANI QIRZHALA",))


@pytest.mark.parametrize(
    ("text", "unmatched"),
    [
        ("Drones struck the village of Kani Qirzhala near Amedi.", ("Kani Qirzhala",)),
        ("Two shepherds were wounded in Shiladze on Monday.", ("Shiladze",)),
        ("Families fled from Kesta after the shelling.", ("Kesta",)),
        ("The Zini Warte area was shelled.", ("Zini Warte",)),
        ("Boats were seized near Umm al-Khanazir island.", ("Umm al-Khanazir",)),
        ("قصفت الطائرات قرية كاني قرژالة التابعة لقضاء العمادية.", ("كاني قرژالة",)),
        ("فڕۆکەکان گوندی کانی قرژاڵە لە ئامێدی بۆردومان کرد.", ("کانی قرژاڵە",)),
        ("Balafiran gundê Kanî Qirjala bombebaran kir.", ("Kanî Qirjala",)),
    ],
)
def test_place_like_names_not_in_the_gazetteer_are_reported(matcher, text, unmatched):
    assert matcher.match(text).unmatched == unmatched


@pytest.mark.parametrize(
    "text",
    [
        "The law was passed in March by parliament.",
        "Figures from Reuters and AFP differ.",
        "The statement was published in Kurdish and Arabic.",
        "Officials in Erbil and Duhok agreed.",
        "Troops from Combined Joint Task Force arrived.",
        "Lawmaker Soran Ahmed spoke in parliament.",
        "Rockets Fired In Kani Qirzhala Overnight",  # a headline: capitals say nothing
    ],
)
def test_words_that_are_no_places_are_not_reported(matcher, text):
    assert matcher.match(text).unmatched == ()


def test_unmatched_names_are_reported_once_per_story_for_a_run_to_count(matcher):
    stories = [
        "Drones struck near Shiladze. Shiladze's mayor said two were hurt.",
        "Shepherds fled from Kesta and Shiladze; in Shiladze shops closed.",
        "Calm returned to Erbil.",
    ]
    counts = Counter(name for story in stories for name in matcher.match(story).unmatched)
    assert counts == Counter({"Shiladze": 2, "Kesta": 1})


def test_match_gives_the_regions_find_gives(matcher):
    text = "Clashes in Sinuni and near Mosul Dam; Lawmaker Soran Ahmed condemned them."
    assert matcher.match(text).regions == matcher.find(text)
    assert slugs(matcher.find(text)) == {"sinuni", "mosul-dam"}


def test_lookup_finds_a_place_by_a_name_alone_or_nothing(matcher):
    assert matcher.lookup("SINUNI").slug == "sinuni"
    assert matcher.lookup("Duhok province").slug == "duhok"
    assert matcher.lookup("Kani Qirzhala") is None
    assert matcher.lookup("") is None


@pytest.mark.django_db
def test_a_dateline_naming_two_places_is_filed_from_the_first():
    matches = PlaceMatcher.from_gazetteer().match("Oil flows again.", dateline="BAGHDAD/KIRKUK")
    assert matches.dateline.slug == "baghdad-city"
    assert matches.unmatched == ()
