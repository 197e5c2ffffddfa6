"""Places named in wire copy, found in the gazetteer (articles.gazetteer, Region).

`PlaceMatcher` finds the gazetteer's places in text in all four languages (English,
Sorani, Kurmanji, Arabic), tells people from places by the words around a name, and
reports the place-like names it could not match. `is_abroad` tells a dateline outside
Iraq ("ANKARA", "HASANKEYF, Turkey") from an Iraqi one.
"""

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from ..gazetteer import iter_gazetteer
from ..models import Region

# --- folding: one character for another, so that offsets in the folded text are the
# offsets in the text as filed -------------------------------------------------------------


def _fold_table():
    table = {
        # Arabic letters Sorani and Persian keyboards write otherwise.
        "ی": "ي", "ى": "ي", "ې": "ي", "ك": "ک", "ە": "ه", "ة": "ه", "ھ": "ه",
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ؤ": "و",
        "’": "'", "‘": "'", "ʼ": "'", "`": "'", "‐": "-", "‑": "-", "–": "-",
    }  # fmt: skip
    # Latin letters with a diacritic (Kurmanji ê î û ç ş; Turkish ı; é ā ...) to the plain one.
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii() and base.isalpha():
            table[char] = base
    table["ı"] = "i"
    return table


FOLD = _fold_table()
_FOLDABLE = re.compile("[" + re.escape("".join(FOLD)) + "]")


def fold(text):
    """`text` with letter variants folded (ي/ی/ى, ك/ک, ە/ه/ة, أ/إ/آ/ا; ê→e, ş→s, ...).

    Same length as `text`, character for character, so a match's offsets in the folded
    text are its offsets in the original."""
    return _FOLDABLE.sub(lambda found: FOLD[found.group()], text)


def name_key(name):
    """The key a name is known by: folded, lower case, hyphens and runs of spaces as one
    space ("Salah al-Din" and "salah al din" are one key)."""
    return " ".join(re.split(r"[\s\-]+", fold(name).lower().strip()))


def _is_arabic_script(text):
    return any("\u0600" <= char <= "\u06ff" for char in text)


# --- what a name around a place says ------------------------------------------------------

# Words before a name that make it a person's: "Lawmaker Soran Ahmed", "النائب ...".
# Compared folded and in lower case; Arabic and Sorani titles are the forms used bare
# before a name (النائب, not نائب: "نائب رئيس" is "deputy of", before a place too).
TITLES = {
    "lawmaker", "mp", "minister", "governor", "spokesperson", "spokesman", "spokeswoman",
    "president", "sheikh", "shaikh", "sheik", "mr", "ms", "mrs", "miss", "dr", "prof",
    "professor", "general", "gen", "brigadier", "brig", "colonel", "col", "lieutenant", "lt",
    "major", "maj", "captain", "capt", "commander", "mayor", "deputy", "official", "leader",
    "cleric", "imam", "sayyid", "sayed", "mullah", "mam", "kak", "judge", "ambassador",
    "envoy", "senator", "candidate", "activist", "journalist", "reporter", "director",
    "chairman", "chairwoman", "head", "chief", "secretary", "adviser", "advisor", "speaker",
    "councillor", "councilor", "mukhtar", "lady", "sir", "haji", "hajji",
    # Kurmanji
    "parlementer", "parlamenter", "wezir", "parezgar", "sex", "birez", "serok", "berdevk",
    "rebaz", "seyda", "mamoste",
}  # fmt: skip
ARABIC_SCRIPT_TITLES = {
    fold(word)
    for word in (
        "النائب", "الوزير", "الشيخ", "السيد", "السيدة", "الدكتور", "الدكتورة", "د.", "العميد",
        "اللواء", "العقيد", "الفريق", "الرئيس", "القاضي", "الملا", "المتحدث", "الناطق",
        "الأستاذ", "المهندس", "الحاج", "الصحفي", "الناشط", "النائبة", "الوزيرة",
        "پەرلەمانتار", "وەزیر", "شێخ", "بەڕێز", "کاک", "مام", "مامۆستا", "دکتۆر", "د",
        "گوتەبێژ", "وتەبێژ", "ئەندامی", "سەرۆک", "پارێزگار", "ئەندازیار", "حاجی",
    )
}  # fmt: skip
# Arabic verbs of speech before a subject: "وقال صلاح الدين كريم".
ARABIC_SPEECH_VERBS = {
    fold(word)
    for word in ("قال", "أكد", "أوضح", "صرح", "ذكر", "أضاف", "أشار", "أعلن", "بين", "تابع")
}  # fmt: skip
ARABIC_SCRIPT_TITLES_AND_VERBS = ARABIC_SCRIPT_TITLES | ARABIC_SPEECH_VERBS
# Verbs of speech after a name: "Salah al-Din Karim said".
SPEECH_VERBS = {
    "said", "says", "say", "told", "tells", "added", "adds", "stated", "states", "noted",
    "explained", "confirmed", "announced", "stressed", "urged", "wrote", "tweeted", "asked",
    "warned", "claimed", "denied", "argued", "insisted", "replied", "reported", "posted",
    "described", "called", "spoke", "speaks", "commented", "emphasized", "emphasised",
}  # fmt: skip
# Capitalised words that follow a place's name without making it a person's.
PLACE_FOLLOWERS = {
    "province", "governorate", "district", "subdistrict", "sub", "city", "town", "village",
    "region", "area", "governor", "governor's", "mayor", "council", "provincial", "university",
    "airport", "international", "police", "security", "asayish", "operations", "command",
    "directorate", "health", "education", "office", "court", "dam", "lake", "river",
    "mountain", "mountains", "plain", "plains", "road", "highway", "street", "oil", "gas",
    "company", "refinery", "field", "fields", "camp", "camps", "checkpoint", "crossing",
    "border", "gate", "citadel", "museum", "stadium", "hospital", "bridge", "hotel", "mall",
    "club", "fc", "sc", "bazaar", "market", "prison", "base", "media", "network", "tv",
    "residents", "people", "forces", "force", "brigade", "brigades", "regiment", "division",
    "front", "alliance", "party", "movement", "list", "coalition", "agreement", "accord",
    "deal", "massacre", "genocide", "day", "chamber", "union", "syndicate", "center",
    "centre", "school", "municipality", "resistance", "units", "unit", "protection",
    "administration", "presidency", "government", "parliament", "cabinet", "ministry",
    "peshmerga", "garrison", "line", "axis", "sector", "station", "port",
    "governorate's", "north", "south", "east", "west", "northern", "southern", "eastern",
    "western", "central", "valley", "basin", "offensive", "operation", "battle",
    "liberation", "festival", "fair", "conference", "forum", "summit", "branch", "bureau",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "on", "in", "at", "and", "or", "the", "to", "from",
}  # fmt: skip
# Capitalised words before a place's name that are not a given name.
PLACE_PRECEDERS = PLACE_FOLLOWERS | {
    "upper", "lower", "greater", "old", "new", "iraqi", "kurdish", "syrian", "turkish",
    "iranian", "the", "a", "in", "near", "from", "of", "lake", "mount", "camp",
    "kurdistan", "iraq", "krg", "federal", "downtown", "outside", "around", "western",
}  # fmt: skip
# Words after which an ambiguous name (Hit, Tuz) is a place: "in Hit", "near Tuz".
PLACE_PREPOSITIONS = {
    "in", "near", "from", "outside", "around", "at", "of", "to", "toward", "towards", "into",
    "through", "between", "and", "li", "ji",
}  # fmt: skip
# Names that are also common words: found only after a preposition or with a kind
# ("Hit district", "قضاء بلد"), never bare.
CONTEXT_ONLY = {name_key(name) for name in ("Hit", "Tuz", "بلد", "Diana")}

# A governorate, district, ... named with its kind: "Duhok province", "محافظة كركوك".
QUALIFIED_FORMS = {
    "governorate": (
        ("{} province", "{} governorate", "province of {}", "governorate of {}"),
        ("محافظة {}", "پارێزگای {}"),
        ("parêzgeha {}",),
    ),
    "district": (
        ("{} district", "district of {}"),
        ("قضاء {}", "قەزای {}", "ئیدارەی {}"),
        ("navçeya {}", "qezaya {}"),
    ),
    "subdistrict": (
        ("{} subdistrict", "{} sub-district", "subdistrict of {}", "{} nahiya"),
        ("ناحية {}", "ناحیەی {}"),
        ("nahiya {}",),
    ),
    "city": (
        ("{} city", "city of {}"),
        ("مدينة {}", "شاری {}"),
        ("bajarê {}",),
    ),
    "town": (
        ("{} town", "town of {}"),
        ("بلدة {}", "شارۆچکەی {}"),
        ("bajarokê {}",),
    ),
}

# Arabic clitics before a name: و ف (and), ب (in), ل (to); "بالموصل", "وأربيل".
ARABIC_CLITICS = "(?:[وف]?[بل]|[وف])"
# Suffixes after a name: Sorani postpositions (لە هەولێردا, لە هەولێرەوە, هەولێریش) and
# Kurmanji's oblique case (li Hewlêrê, li Silêmaniyê); in folded form.
_SUFFIXES = ("یەوە", "ەوە", "وە", "یدا", "دا", "یش", "ش", "ye", "e")
SUFFIXES = "(?:" + "|".join(map(fold, _SUFFIXES)) + ")"

# --- abroad -------------------------------------------------------------------------------

# A dateline's ", region" naming Iraq or the Kurdistan Region.
IRAQ_REGION_WORDS = ("iraq", "kurdistan", "krg", "العراق", "كوردستان", "کوردستان", "كردستان")
# Countries and cities abroad that datelines and copy name: the neighbours' cities most
# of all (Turkey, Syria, Iran, Jordan, Kuwait, Saudi Arabia), in the four languages.
FOREIGN_PLACES = {
    name_key(name)
    for name in (
        # countries
        "Turkey", "Türkiye", "Turkiye", "Syria", "Iran", "Jordan", "Kuwait", "Saudi Arabia",
        "Lebanon", "Egypt", "Israel", "Qatar", "UAE", "United Arab Emirates", "Bahrain",
        "Oman", "Yemen", "Russia", "Ukraine", "Germany", "France", "Britain", "UK",
        "United Kingdom", "US", "USA", "United States", "Italy", "Greece", "Sweden",
        "Netherlands", "Belgium", "Switzerland", "Austria", "Armenia", "Azerbaijan", "Georgia",
        "China", "Japan", "India", "Pakistan", "Afghanistan", "Vatican", "Palestine", "Gaza",
        "Rojava", "Rojhelat", "Bakur", "Europe",
        "تركيا", "سوريا", "سورية", "إيران", "الأردن", "الكويت", "السعودية", "لبنان", "مصر",
        "تورکیا", "سووریا", "ئێران", "ئوردن", "کوەیت", "سعودیە", "Tirkiye", "Sûriye", "Îran",
        "Urdun", "Kuweyt", "Siûdiye", "Misir",
        # Turkey
        "Ankara", "Istanbul", "Diyarbakir", "Gaziantep", "Hasankeyf", "Mardin", "Sirnak",
        "Cizre", "Hakkari", "Van", "Urfa", "Sanliurfa", "Nusaybin", "Silopi", "Batman",
        "Izmir", "Antalya", "Adana", "Erzurum", "Kars", "Yuksekova", "Uludere", "Semdinli",
        "Amed", "Wan", "Riha", "Mêrdîn", "Cizîr", "Hekarî", "Stenbol", "Enqere", "Colemêrg",
        "ئەنقەرە", "ئەستەنبووڵ", "ئامەد", "دیاربەکر", "أنقرة", "إسطنبول", "اسطنبول", "ديار بكر",
        # Syria
        "Qamishli", "Qamishlo", "Hasakah", "Hasaka", "Kobani", "Kobane", "Raqqa", "Deir ez-Zor",
        "Deir al-Zor", "Aleppo", "Damascus", "Afrin", "Manbij", "Derik", "Amuda", "Homs",
        "Idlib", "Latakia", "Tal Abyad", "Ras al-Ain", "Serekaniye", "Al-Hol", "Hol", "Qamişlo",
        "Kobanî", "Şam", "Heseke", "Efrîn", "Dêrik", "قامیشلۆ", "کۆبانێ", "عەفرین", "دیمەشق",
        "القامشلي", "الحسكة", "كوباني", "عين العرب", "الرقة", "دير الزور", "حلب", "دمشق",
        "عفرين", "منبج", "الهول",
        # Iran
        "Tehran", "Mashhad", "Isfahan", "Tabriz", "Urmia", "Sanandaj", "Kermanshah", "Mahabad",
        "Marivan", "Piranshahr", "Baneh", "Sardasht", "Saqqez", "Ahvaz", "Qom", "Shiraz",
        "Ilam", "Mehran", "Tehran's", "Teheran", "Ûrmiye", "Sine", "Kirmaşan", "Mehabad",
        "Merîwan", "تاران", "تەهران", "مەهاباد", "سنە", "کرماشان", "ورمێ", "مەریوان", "بانە",
        "سەردەشت", "پیرانشار", "طهران", "مشهد", "تبريز", "أرومية", "سنندج", "كرمانشاه",
        "مهاباد", "مريوان", "الأحواز", "قم",
        # the Gulf, Jordan, the region
        "Amman", "Kuwait City", "Riyadh", "Jeddah", "Beirut", "Cairo", "Doha", "Dubai",
        "Abu Dhabi", "Manama", "Muscat", "Jerusalem", "Tel Aviv", "Baku", "Yerevan", "Tbilisi",
        "عمان", "الرياض", "بيروت", "القاهرة", "الدوحة", "دبي", "أبوظبي", "ئەمان", "ڕیاز",
        # further
        "Washington", "New York", "London", "Paris", "Berlin", "Rome", "Moscow", "Brussels",
        "Geneva", "Vienna", "Stockholm", "The Hague", "Athens", "Madrid", "Oslo", "Copenhagen",
        "Helsinki", "Bonn", "Munich", "Cologne", "Hamburg", "Frankfurt", "Beijing", "Tokyo",
        "New Delhi", "Islamabad", "Kabul", "Vatican City", "Nashville", "Los Angeles",
        "واشنطن", "لندن", "باريس", "برلين", "روما", "موسكو", "واشنتۆن", "لەندەن", "پاریس",
        "بەرلین", "ڕۆما", "مۆسکۆ",
    )
}  # fmt: skip


def _governorate_and_region_names():
    keys = set()
    for _slug, name, kind, names, alternatives, _parent in iter_gazetteer():
        if kind in ("country", "region", "governorate"):
            keys.update(name_key(n) for n in (name, *names.values(), *alternatives))
    return keys


IRAQI_REGION_KEYS = _governorate_and_region_names()


def is_abroad(place_text):
    """Whether a dateline's place (as filed: "ANKARA", "HASANKEYF, Turkey", "Qamishli,
    Syria", "ERBIL, Kurdistan Region"; an Arabic comma "،" too) lies outside Iraq.

    With a ", region": abroad unless the region names Iraq, the Kurdistan Region or an
    Iraqi governorate ("DUHOK, Turkey" is abroad, whatever the name). Without one:
    abroad when the place is a country or city abroad the matcher knows (FOREIGN_PLACES:
    the neighbours' cities above all). An empty place is not abroad."""
    place, _, region = (place_text or "").replace("،", ",").partition(",")
    region = region.strip()
    if region:
        folded = fold(region).casefold()
        if any(fold(word) in folded for word in IRAQ_REGION_WORDS):
            return False
        return name_key(region) not in IRAQI_REGION_KEYS
    return name_key(place) in FOREIGN_PLACES


# --- the matcher --------------------------------------------------------------------------


@dataclass(frozen=True)
class Matches:
    """What `PlaceMatcher.match` found in a story.

    `dateline`: the Region the dateline names, or None (abroad, not in the gazetteer,
    or no dateline). `regions`: the Regions the text names, each once, in order of first
    mention. `unmatched`: the place-like names met but not in the gazetteer, as written,
    each once per story, in order (the dateline's place first when it is not found)."""

    dateline: Region | None = None
    regions: list = field(default_factory=list)
    unmatched: tuple = ()


def _trie_pattern(keys):
    """One regular expression for every key, as a trie: the engine follows a key's
    letters once, whatever the number of keys. At each branch longer names come first,
    so the longest name wins. A space in a key matches any run of spaces or hyphens."""
    trie = {}
    for key in keys:
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = True

    def render(node):
        ending = "" in node
        branches = [
            (r"[\s\-]+" if char == " " else re.escape(char)) + render(child)
            for char, child in sorted((c, n) for c, n in node.items() if c != "")
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ending:
            return body + "?" if len(branches) == 1 and len(body) == 1 else f"(?:{body})?"
        return body

    return render(trie)


_WORD = re.compile(r"\w+")
_CLITIC_FORMS = ("", "و", "ف", "ب", "ل", "وب", "ول", "فب", "فل")  # ARABIC_CLITICS, spelt out


@functools.cache
def _every_character():
    return "".join(map(chr, itertools.chain(range(0xD800), range(0xE000, 0x110000))))


@functools.lru_cache(maxsize=4)
def _case_classes(characters):
    """{code point: one character of its class} for every character that re.IGNORECASE
    lets match one of `characters` (a frozenset), and those characters: two characters
    that may match one another, or one and the same third, share a class. None when a
    word character may match a character that is not one, or the other way round (the
    quick search reads names as words)."""
    characters = sorted(characters)
    any_of = re.compile("[" + "".join(map(re.escape, characters)) + "]", re.IGNORECASE)
    each = [re.compile(re.escape(char), re.IGNORECASE) for char in characters]
    parent, seen = {}, set()

    def root(char):
        while parent.get(char, char) != char:
            char = parent[char]
        return char

    for found in set(any_of.findall(_every_character())):
        for char, pattern in zip(characters, each, strict=True):
            if pattern.fullmatch(found):
                if (_WORD.fullmatch(found) is None) != (_WORD.fullmatch(char) is None):
                    return None
                seen.update((found, char))
                low, high = sorted((root(found), root(char)))
                parent[high] = low
    return {ord(char): root(char) for char in seen}


class _NameSearch:
    r"""Where the matcher's pattern matches in a folded text, found without trying it at
    every position: what `pattern.finditer(folded)` gives, match for match.

    A match begins a word (the pattern's (?<!\w), then a clitic and a name, all word
    characters), and that word is a clitic, the name's first word and, for a name of one
    word, a suffix. So the text's words are put in canonical case (_case_classes), those
    that are such a word (`heads`, a set) are found, and the pattern is tried where they
    stand, from left to right, past the end of each match as finditer goes."""

    def __init__(self, pattern, keys):
        self.pattern = pattern
        characters = {char for key in keys for char in key} | set("".join(_CLITIC_FORMS))
        characters |= set("".join(map(fold, _SUFFIXES)))
        self.table = _case_classes(frozenset(characters))
        self.heads = None
        if self.table is None or not all(_WORD.match(key) for key in keys):
            return  # not sound for these names: every position is tried
        heads = {_WORD.match(key).group().translate(self.table) for key in keys}
        suffixes = [""] + [fold(suffix).translate(self.table) for suffix in _SUFFIXES]
        clitics = [clitic.translate(self.table) for clitic in _CLITIC_FORMS]
        self.heads = frozenset(
            clitic + head + suffix for head in heads for clitic in clitics for suffix in suffixes
        )

    def finditer(self, folded):
        if self.heads is None:
            yield from self.pattern.finditer(folded)
            return
        canonical = folded.translate(self.table)
        heads, match, end = self.heads, self.pattern.match, 0
        for word in _WORD.finditer(canonical):
            start = word.start()
            if start >= end and word.group() in heads:
                found = match(folded, start)
                if found:
                    yield found
                    end = found.end()


_LEADING_KIND = re.compile(
    r"^(?:(?:province|governorate|district|subdistrict|city|town)[\s\-]+of|parezgeha|"
    r"navceya|qezaya|nahiya|bajare|bajaroke)[\s\-]+",
    re.IGNORECASE,
)
_ARTICLE = re.compile(r"^(?:al|el|ad|as|an|ar|at|ash)[\s\-]+", re.IGNORECASE)
_WORD_AFTER = re.compile(r"[ \t]+((?:(?:al|el)-)?[^\W\d_][\w'\-]*)")
_LATIN_WORD = re.compile(r"[A-Za-z][\w'\-]*")
_CAPITAL_WORD = r"(?:(?:al|el|ad|as|an|ar|at|ash)-)?[A-Z][\w']*(?:-[A-Z][\w']*)?"
_PLACE_PHRASE = rf"{_CAPITAL_WORD}(?:[ \t]+{_CAPITAL_WORD}){{0,2}}"
_KINDS = r"(?:village|town|city|district|sub-?district|province|governorate|area|camp)"
ARABIC_SCRIPT_KINDS = (
    "قضاء", "ناحية", "قرية", "بلدة", "مدينة", "محافظة", "مخيم", "قەزای", "ناحیەی",
    "گوندی", "شارۆچکەی", "شاری", "پارێزگای", "کەمپی", "ناوچەی",
)  # fmt: skip
_UNMATCHED_PATTERNS = [  # (pattern, a quicker one without whose match it cannot match)
    # "in Kani Qirzhala", "near the village of Kani Qirzhala", "from Gwer"
    (
        re.compile(
            rf"\b(?:[Ii]n|[Nn]ear|[Ff]rom|[Oo]utside|[Aa]round)[ \t]+(?:the[ \t]+)?"
            rf"(?:{_KINDS}[ \t]+of[ \t]+)?({_PLACE_PHRASE})"
        ),
        None,
    ),
    # "the village of Kani Qirzhala"
    (re.compile(rf"\b{_KINDS}[ \t]+of[ \t]+({_PLACE_PHRASE})"), None),
    # "the Kani Qirzhala village", "the Zini Warte area"
    (
        re.compile(rf"({_PLACE_PHRASE})[ \t]+(?:{_KINDS}|border crossing)\b"),
        re.compile(rf"[ \t](?:{_KINDS}|border crossing)\b"),
    ),
    # Kurmanji: "gundê Kanî Qirjala", "li Sinûnê" (folded: gunde, li)
    (
        re.compile(
            r"\b(?:gunde|bajare|bajaroke|navceya|qezaya|parezgeha|nahiya|kampa|li|ji|nezi)"
            rf"[ \t]+({_PLACE_PHRASE})"
        ),
        None,
    ),
    # Arabic and Sorani: a kind before the name ("قرية كاني ماسي", "گوندی ...")
    (
        re.compile(
            rf"(?<!\w)(?:{'|'.join(map(fold, ARABIC_SCRIPT_KINDS))})[ \t]+"
            r"([^\W\d_]+(?:[ \t]+[^\W\d_]+)?)"
        ),
        None,
    ),
]
# Capitalised words that begin no place: "in March", "from Reuters", "in Kurdish".
NOT_PLACES = PLACE_FOLLOWERS | TITLES | {
    "the", "a", "an", "this", "that", "his", "her", "their", "its", "our", "he", "she", "it",
    "they", "we", "i", "arabic", "kurdish", "english", "turkish", "persian", "sorani",
    "kurmanji", "iraqi", "syrian", "iranian", "american", "british", "french", "german",
    "us", "un", "eu", "krg", "kdp", "puk", "pkk", "isis", "is", "islamic", "daesh",
    "peshmerga", "rudaw", "reuters", "afp", "ap", "kurdistan24", "shafaq", "ina", "nrt",
    "facebook", "twitter", "telegram", "x", "april", "covid", "ramadan", "eid", "nowruz",
    "general", "prime", "federal", "supreme", "first", "second", "last", "late", "early",
    "mid", "both", "all", "each", "every", "other", "several", "many",
}  # fmt: skip
ARABIC_SCRIPT_STOP_WORDS = {
    fold(word)
    for word in (
        "في", "من", "على", "إلى", "الى", "عن", "مع", "التابعة", "التابع", "شمال", "جنوب", "شرق",
        "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "و", "لە", "بۆ", "کە", "و", "لەگەڵ", "سەر",
        "باکووری", "باشووری", "ڕۆژهەڵاتی", "ڕۆژئاوای", "ضمن", "قرب", "وسط", "بين",
    )
}  # fmt: skip


def _word_before(text, position):
    """(start, word, comma): the word before `position` on its line, where it starts,
    and whether a comma comes between ("Lawmaker, Soran")."""
    segment_start = max(0, position - 60)
    tail = text[segment_start:position].rstrip(" \t")
    comma = tail.endswith(",")
    if comma:
        tail = tail[:-1].rstrip(" \t")
    if not tail or tail[-1].isspace():
        return position, "", comma
    word = tail.rsplit(None, 1)[-1].lstrip("\"'“‘([«")
    return segment_start + len(tail) - len(word), word, comma


_DAYS_AND_MONTHS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
}  # fmt: skip


def _continues_as_a_name(text, end):
    """Whether the capitalised words before `end` go on ("Combined Joint Task Force"),
    so that they are an organisation's name rather than a place's."""
    after = re.match(r"(?:[ \t]+|-)([A-Z][\w']*)", text[end : end + 40])
    return bool(after) and after.group(1).lower() not in _DAYS_AND_MONTHS


def _title_case(line):
    """Whether a line is set in title case (a headline), where a capital says nothing."""
    words = [w for w in _LATIN_WORD.findall(line) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


class PlaceMatcher:
    """Finds gazetteer places named in text, in English, Sorani, Kurmanji and Arabic.

    Built once per import run from the gazetteer (every Region's name, its names per
    language and its alternative spellings, and a governorate's, district's, ... name
    with its kind: "Duhok province", "محافظة كركوك", "پارێزگای سلێمانی"): one compiled
    pattern, a trie of the names, so that the longest name wins ("Mosul Dam" over
    "Mosul") and a story costs about the same however large the gazetteer grows.

    - Letter variants are folded (`fold`): ي/ی, ك/ک, ە/ه, أ/ا; Kurmanji with or without
      ê î û ç ş. Arabic clitics (بالموصل) and Sorani and Kurmanji endings (هەولێردا,
      Hewlêrê) are allowed around a name. English and Kurmanji names need a capital.
    - Where a bare name belongs to several places (Erbil the city and the governorate),
      the most specific place wins; the name with its kind finds that kind.
    - A name beside a title ("Lawmaker Soran Ahmed", "النائب ..."), or followed by a
      surname and a verb of speech or a comma ("Salah al-Din Karim said"), is a person's.
    """

    def __init__(self, regions):
        self.places_by_name = {}
        self._keys = {}  # name_key of names as the pattern matched them
        depth_by_key = {}

        def add(key, region, depth):
            if key and depth > depth_by_key.get(key, -1):
                self.places_by_name[key] = region
                depth_by_key[key] = depth

        for region in regions:
            names = [n for n in region.all_names if n]
            for name in names:
                key = name_key(name)
                add(key, region, region.depth)
                if _is_arabic_script(name) and key.startswith("ال"):
                    add("ل" + key[2:], region, region.depth)  # ل + الموصل = للموصل
            english, arabic_script, kurmanji = QUALIFIED_FORMS.get(region.kind, ((), (), ()))
            kmr = (region.names or {}).get("kmr")
            for name in names:
                forms = arabic_script if _is_arabic_script(name) else english
                if name == kmr:
                    forms = (*forms, *kurmanji)
                for form in forms:
                    add(name_key(form.format(name)), region, 100)  # the kind decides
        self.pattern = None
        if self.places_by_name:
            self.pattern = re.compile(
                rf"(?<!\w)(?P<clitic>{ARABIC_CLITICS})?"
                rf"(?P<name>{_trie_pattern(self.places_by_name)})"
                rf"{SUFFIXES}?(?!\w)",
                re.IGNORECASE,
            )
            self._names = _NameSearch(self.pattern, list(self.places_by_name))

    @classmethod
    def from_gazetteer(cls):
        return cls(Region.objects.all())

    def lookup(self, name):
        """The place a name alone stands for (a dateline's "ERBIL", "Duhok province"), or
        None. No context: a bare name shared by several places is the most specific."""
        key = name_key(name or "")
        found = self.places_by_name.get(key)
        if found is None and self.pattern is not None:
            match = self.pattern.fullmatch(fold(" ".join((name or "").split())))
            if match:
                found = self.places_by_name.get(name_key(match.group("name")))
        return found

    def find(self, text):
        """The Regions `text` names, each once, in order of first mention."""
        return self._find(text, fold(text or ""))[0]

    def match(self, text, dateline=""):
        """A story's places: `dateline` (the dateline's place as filed, "ERBIL" or
        "HASANKEYF, Turkey") and the Regions `text` names, with the place-like names met
        but not matched (see Matches). An importer counts `unmatched` across a run."""
        folded = fold(text or "")
        regions, spans = self._find(text, folded)
        unmatched = []
        dateline = " ".join((dateline or "").split())
        place = dateline.replace("،", ",").partition(",")[0].strip()
        found_dateline = None
        if place and not is_abroad(dateline):
            found_dateline = self.lookup(place)
            if found_dateline is None and "/" in place:
                # Reuters' "BAGHDAD/KIRKUK": filed from the first, reporting from both.
                found_dateline = self.lookup(place.split("/")[0])
            if found_dateline is None:
                unmatched.append(place)
        for name in self._unmatched(text, folded, spans):
            if name not in unmatched:
                unmatched.append(name)
        return Matches(dateline=found_dateline, regions=regions, unmatched=tuple(unmatched))

    # --- internals --------------------------------------------------------------------

    def _find(self, text, folded):
        """(regions, spans): the places found, and the spans of every name seen (places
        and people both), which the search for unmatched names skips."""
        if self.pattern is None or not text:
            return [], []
        found, spans, title_case, keys = {}, [], {}, self._keys
        for match in self._names.finditer(folded):
            spans.append(match.span())
            name = match.group("name")
            key = keys.get(name)
            if key is None:
                key = name_key(name)
                if len(keys) < 100_000:  # the names as written, a few thousand
                    keys[name] = key
            region = self.places_by_name.get(key)
            if region is None or not self._is_place(text, folded, match, key, title_case):
                continue
            found.setdefault(region.pk, region)
        return list(found.values()), spans

    def _is_place(self, text, folded, match, key, title_case):
        start, end = match.span("name")
        arabic_script = _is_arabic_script(text[start:end])
        # English and Kurmanji: a place's name has a capital ("al-Qaim": after "al-").
        if (
            not arabic_script
            and not _ARTICLE.sub("", _LEADING_KIND.sub("", folded[start:end]))[:1].isupper()
        ):
            return False
        word_start, word_before, comma = _word_before(folded, start)
        word_before = word_before.rstrip(".").lower()
        if arabic_script:
            if match.group("clitic") is None and word_before:
                bare = word_before[1:] if word_before[:1] in "وف" else word_before
                if {word_before, bare} & ARABIC_SCRIPT_TITLES_AND_VERBS:
                    return False
            return key not in CONTEXT_ONLY
        if key in CONTEXT_ONLY and word_before not in PLACE_PREPOSITIONS:
            return False
        if word_before in TITLES:
            return False
        line_start = text.rfind("\n", 0, start) + 1
        if line_start not in title_case:
            line_end = text.find("\n", end)
            line = text[line_start : line_end if line_end != -1 else len(text)]
            title_case[line_start] = _title_case(line)
        if title_case[line_start]:
            return True
        if self._followed_by_a_surname(text, folded, match.end()):
            return False
        given_name = (
            not comma
            and word_before
            and self._given_name(text[word_start:start].strip(), text, word_start, line_start)
        )
        return not (given_name and self._then_speech(text, match.end()))

    def _followed_by_a_surname(self, text, folded, end):
        """Whether a surname follows ("Salah al-Din Karim said", "Soran Ahmed, a
        lawmaker"): a capitalised word that is neither a place nor a word places take
        ("Erbil Governor", "Kirkuk Police"), then a verb of speech, punctuation or
        another such name."""
        after = _WORD_AFTER.match(text, end)
        if not after or not after.group(1)[:1].isupper():
            return False
        word = after.group(1)
        bare = re.sub(r"^(?:al|el)-", "", word).removesuffix("'s").lower()
        if bare in PLACE_FOLLOWERS or bare in TITLES:
            return False
        if self.pattern.match(folded, after.start(1)):
            return False  # "Erbil Duhok road", "Sinjar Sinuni"
        rest = after.end()
        second = _WORD_AFTER.match(text, rest)
        if second and second.group(1)[:1].isupper():
            if second.group(1).lower() in PLACE_FOLLOWERS:
                return False
            rest = second.end()
        possessive = (second.group(1) if rest != after.end() else word).endswith("'s")
        return possessive or self._then_speech(text, rest)

    @staticmethod
    def _then_speech(text, position):
        tail = text[position : position + 40]
        if re.match(r"\s*(?:[,;:)(]|'s\b|\.(?:\s|$)|$)", tail):
            return True
        verb = re.match(r"[ \t]+([a-z]+)", tail)
        return bool(verb) and verb.group(1) in SPEECH_VERBS

    def _given_name(self, word, text, word_start, line_start):
        """Whether `word`, before a name, is a given name ("Kawa Amedi said"): a
        capitalised word, not at the start of a sentence, that is no place and no word
        a place takes."""
        if not word[:1].isupper() or "." in word:
            return False
        if word.lower() in PLACE_PRECEDERS or word.lower() in TITLES:
            return False
        ahead = text[line_start:word_start].rstrip()
        if not ahead or ahead[-1] in '.!?"“(:;':
            return False  # the first word of a sentence
        return not self.pattern.fullmatch(fold(word))

    def _unmatched(self, text, folded, spans):
        names = []
        for pattern, needs in _UNMATCHED_PATTERNS:
            if needs and not needs.search(folded):
                continue
            for found in pattern.finditer(folded):
                start, end = found.span(1)
                if any(s < end and start < e for s, e in spans):
                    continue  # a place found, or a person's name
                line_start = text.rfind("\n", 0, start) + 1
                line_end = text.find("\n", end)
                line = text[line_start : line_end if line_end != -1 else len(text)]
                if _continues_as_a_name(text, end):
                    continue  # "in Combined Joint Task Force": longer than a place's name
                name = self._place_like(text[start:end], line)
                if name and name not in names:
                    names.append(name)
        return names

    def _place_like(self, name, line):
        """The part of a candidate that looks like a place's name, or "" if none does."""
        if _is_arabic_script(name):
            words = name.split()
            if fold(words[0]) in ARABIC_SCRIPT_STOP_WORDS:
                return ""
            if len(words) > 1 and (
                fold(words[1]) in ARABIC_SCRIPT_STOP_WORDS or fold(words[1]).startswith("ال")
            ):
                words = words[:1]
            return " ".join(words)
        if _title_case(line):
            return ""
        words = name.removesuffix("'s").split()
        while words and words[0].lower() == "the":
            words.pop(0)
        while words and words[-1].lower().removesuffix("'s") in NOT_PLACES:
            words.pop()
        if not words or re.sub(r"^(?:al|el)-", "", words[0].lower()) in NOT_PLACES:
            return ""
        name = " ".join(words)
        if is_abroad(name) or name_key(name) in FOREIGN_PLACES:
            return ""
        return name
