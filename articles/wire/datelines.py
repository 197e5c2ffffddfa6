"""Datelines: where and from whom a paragraph of wire copy says it was filed.

`parse_dateline(paragraph)` reads the start of a paragraph with a small grammar and
returns a `Dateline` (plain values) or None when the paragraph does not start with one:

    dateline  := place ("/" place)* ("," region | "," date){0,2} source? separator rest
               | source-name "/" rest                       ("Shafaq News/ The ...")
    source    := "(" name ")" | "/" name
    separator := "–" | "—" | "--" | "-" | ":" | a line break | nothing after ")"
               | "/" after a source given with "/"          ("بغداد/ شفق نيوز/ ...")

A place is a name in capitals (ERBIL, AL-QAIM, NEW YORK, HEWLÊR), a name in title case
(Basra, Tal Afar, Al-Qaim, Dihok) or one in Arabic script (أربيل, هەولێر). Latin letters
with diacritics count as letters (Kurmanji writes ê î û ç ş: "Dihok, Herêma Kurdistanê
– ..."). In Arabic script the comma may be the Arabic one (،), and a date is written
with Arabic, Sorani or Kurmanji month names and Western, Arabic-Indic or Eastern
Arabic-Indic digits ("أربيل، ٩ آذار ٢٠٢٠ (رووداو) – ...", "هەولێر، ٩ی ئازاری ٢٠٢٠ –").
What tells a dateline from an ordinary sentence is the shape, not a list of names:

- a place in capitals may stand alone before its separator ("SULAIMANI — ...");
- a place in title case, which is how sentences and people's names start too, needs
  something only a dateline has: a source in parentheses, a date, or ", Region";
- a place, region or source in Arabic script holds none of Arabic's or Sorani's common words
  (في، من، قال، لە، بۆ ...: articles.wire.language), which begin sentences, not names
  ("قال الوزير، في بيان – ..." is a sentence);
- a source is a short name whose words are capitalised (AP, Kurdistan 24, IraqiNews.com),
  never a parenthetical remark ("(officially the Republic of Iraq)");
- what follows the separator starts a sentence: a capital, a digit, a quotation mark or
  another script, never a lower-case word ("Ahmed Karim (PUK) – said" is not a dateline).
"""

import re
from dataclasses import dataclass

from .language import ARABIC_WORDS, SORANI_WORDS

__all__ = ["Dateline", "parse_dateline"]


@dataclass(frozen=True)
class Dateline:
    place: str | None  # as written: "DUHOK", "Basra", "أربيل"; None for a source alone
    region_text: str | None  # "Iraq", "Kurdistan Region", "Turkey"
    date_text: str | None  # "March 9", "3 August 2014"
    source: str | None  # "AP", "Kurdistan 24"; None when the text names none
    rest: str  # the paragraph after the dateline ("" when it stood alone on its line)
    text: str = ""  # the dateline as written, without its separator

    @property
    def place_text(self):
        """The place with its country or region: "HASANKEYF, Turkey"."""
        return ", ".join(part for part in (self.place, self.region_text) if part) or None


# The letters (and marks) of the Arabic script: not its comma, semicolon, question mark,
# full stop, percent sign or digits, which end a word as their Latin twins do.
ARABIC = (
    r"\u0610-\u061a\u0620-\u065f\u066e-\u06d3\u06d5-\u06dc\u06df-\u06e8\u06ea-\u06ef"
    r"\u06fa-\u06ff\u0750-\u077f\ufb50-\ufd3d\ufd50-\ufdff\ufe70-\ufefc"
)
ARABIC_WORD = rf"[{ARABIC}][{ARABIC}\u200c]*"
# Latin letters in capitals and in lower case, with those Kurmanji, Turkish and the
# European languages of place names write (Ê Î Û Ç Ş, É, Ö ...).
UPPER = "A-ZÀ-ÖØ-ÞĞİŞ"
LOWER = "a-zß-öø-ÿğış"
CAPS_WORD = rf"[{UPPER}](?:[{UPPER}'’.]|-(?=[{UPPER}]))+"
TITLE_WORD = rf"(?:[Aa][lnr]-|[Ee]l-)?[{UPPER}][{LOWER}'’]+(?:-[{UPPER}]?[{LOWER}'’]+)*"
# Words that join a title-case place's words: Tal Afar, Hit al-Ramadi, Sinjar al-Jadida.
PARTICLE = r"(?:al|el|ad|as|an|at|az|de|of)"

PLACE_PATTERNS = {
    "caps": re.compile(rf"{CAPS_WORD}(?: {CAPS_WORD}){{0,3}}"),
    "title": re.compile(rf"{TITLE_WORD}(?: (?:{PARTICLE} )?{TITLE_WORD}){{0,2}}"),
    "arabic": re.compile(rf"{ARABIC_WORD}(?: {ARABIC_WORD}){{0,2}}"),
}
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t|tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
# Months and weekdays in Arabic (the Levantine and Iraqi names, and the Egyptian ones),
# Sorani and Kurmanji; a digit is any of the three forms (\d matches each).
ARABIC_SCRIPT_MONTH = (
    "(?:كانون الثاني|شباط|آذار|اذار|نيسان|أيار|ايار|حزيران|تموز|آب|اب|أيلول|ايلول"
    "|تشرين الأول|تشرين الاول|تشرين الثاني|كانون الأول|كانون الاول"
    "|يناير|فبراير|مارس|أبريل|ابريل|مايو|يونيو|يوليو|أغسطس|اغسطس|سبتمبر|أكتوبر|اكتوبر"
    "|نوفمبر|ديسمبر"
    "|کانوونی دووەم|شوبات|ئازار|نیسان|ئایار|حوزەیران|تەممووز|ئاب|ئەیلوول|تشرینی یەکەم"
    "|تشرینی دووەم|کانوونی یەکەم|جەنیوەری|فێبرایەر|مارس|ئەپریل|مەی|جوون|جولای|ئۆگەست"
    "|سێپتەمبەر|ئۆکتۆبەر|نۆڤەمبەر|دیسەمبەر)"
)
ARABIC_SCRIPT_WEEKDAY = (
    "(?:(?:يوم )?(?:السبت|الأحد|الاحد|الاثنين|الإثنين|الثلاثاء|الأربعاء|الاربعاء|الخميس"
    "|الجمعة)|(?:ڕۆژی )?(?:شەممە|یەکشەممە|دووشەممە|سێشەممە|چوارشەممە|پێنجشەممە|هەینی))"
)
KURMANJI_MONTH = (
    r"(?:Rêbendan|Reşemî|Sibat|Adar|Nîsan|Gulan|Hezîran|Pûşper|Tîrmeh|Tebax|Gelawêj|Îlon"
    r"|Rezber|Cotmeh|Kewçêr|Mijdar|Sermawez|Kanûn|Berfanbar)(?:ê|a)?"
)
DATE_RE = re.compile(
    rf"(?:{MONTH} \d{{1,2}}(?:,? \d{{4}})?|\d{{1,2}} {MONTH}(?:,? \d{{4}})?|{MONTH} \d{{4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|{WEEKDAY}"
    rf"|\d{{1,2}}(?:ی)? {ARABIC_SCRIPT_MONTH}(?:ی)?(?:[,،]? \d{{4}})?"
    rf"|{ARABIC_SCRIPT_MONTH}(?:ی)? \d{{4}}|{ARABIC_SCRIPT_WEEKDAY}"
    rf"|\d{{1,2}}(?:ê|an)? {KURMANJI_MONTH}(?:,? \d{{4}}(?:an|ê)?)?)(?![\w-])",
    re.IGNORECASE,
)
COMMA_RE = re.compile(r"\s*[,،]\s*")
TITLE_REGION = rf"{TITLE_WORD}(?: (?:{PARTICLE} )?{TITLE_WORD}){{0,2}}"
# A country or region: in capitals or title case after a place in capitals ("DUHOK,
# Iraq"), in title case after one in title case.
REGION_PATTERNS = {
    "caps": re.compile(rf"(?:{CAPS_WORD}(?: {CAPS_WORD}){{0,2}}|{TITLE_REGION})(?![\w'’-])"),
    "title": re.compile(rf"{TITLE_REGION}(?![\w'’-])"),
    "arabic": re.compile(rf"{ARABIC_WORD}(?: {ARABIC_WORD}){{0,2}}(?![\w-])"),
}
# A source's name: a few words, each capitalised, a number, or in another script.
SOURCE_WORD = rf"(?:[A-Z0-9][\w.'’&+-]*|{ARABIC_WORD}|[0-9٠-٩۰-۹]+|{PARTICLE}|and|for|the)"
SOURCE_NAME = rf"{SOURCE_WORD}(?: {SOURCE_WORD}){{0,5}}"
PAREN_SOURCE_RE = re.compile(rf"\s*\((?P<source>{SOURCE_NAME})\)")
SLASH_SOURCE_RE = re.compile(rf"\s*/\s*(?P<source>{SOURCE_NAME})(?=\s*(?:--|[–—:/-]))")
SLASH_PLACE_RE = re.compile(rf"/({CAPS_WORD}(?: {CAPS_WORD}){{0,3}})(?=[\s(,/])")
SEPARATOR_RE = re.compile(r"[ \t]*(?:--|[–—:-])[ \t]*|[ \t]*\n\s*")
# After a source given with a slash, a slash closes the dateline: "بغداد/ شفق نيوز/ ...".
SLASH_SEPARATOR_RE = re.compile(r"[ \t]*/[ \t]*")
# A source alone, then a slash: "Shafaq News/ The ministry ...".
SOURCE_ALONE_RE = re.compile(rf"(?P<source>{SOURCE_NAME})/[ \t]*")
# What a sentence after a dateline starts with: not a lower-case letter, not punctuation
# that continues one.
REST_START_RE = re.compile(rf"[^\s{LOWER},;.)\]–—-]")
# Words that begin sentences in Arabic script, never a place's name.
COMMON_WORDS = ARABIC_WORDS | SORANI_WORDS
# Wire flags in capitals that stand where a place would: not places.
FLAGS = {"UPDATE", "UPDATED", "URGENT", "BREAKING", "EXCLUSIVE", "FLASH", "BULLETIN",
         "CORRECTED", "CORRECTION", "ADVISORY", "NOTE", "EDITORS", "REFILE", "WRAPUP"}  # fmt: skip


def parse_dateline(paragraph):
    """The dateline `paragraph` starts with, or None when it does not start with one."""
    text = paragraph.lstrip()
    for kind, pattern in PLACE_PATTERNS.items():
        dateline = _place_dateline(text, kind, pattern.match(text))
        if dateline is not None:
            return dateline
    return _source_alone(text)


def _place_dateline(text, kind, match):
    if match is None or (kind == "caps" and match[0] in FLAGS):
        return None
    places, position = [match[0]], match.end()
    if kind == "caps":  # WASHINGTON/BAGHDAD (Reuters): one story, filed from both
        while more := SLASH_PLACE_RE.match(text, position):
            places.append(more[1])
            position = more.end()
    region = date = source = None
    for _ in range(2):  # ", Iraq", ", March 9", or both
        comma = COMMA_RE.match(text, position)
        if comma is None:
            break
        if date is None and (found := DATE_RE.match(text, comma.end())):
            date = found[0]
        elif region is None and (found := REGION_PATTERNS[kind].match(text, comma.end())):
            region = found[0]
        else:
            return None
        position = found.end()
    found = PAREN_SOURCE_RE.match(text, position)
    after_slash = found is None and (found := SLASH_SOURCE_RE.match(text, position))
    after_parenthesis = False
    if found:
        source, position = found["source"], found.end()
        after_parenthesis = text[position - 1] == ")"
    dateline_text = text[:position].strip()
    separator = SEPARATOR_RE.match(text, position) or (
        SLASH_SEPARATOR_RE.match(text, position) if after_slash else None
    )
    if separator:
        position = separator.end()
    elif after_parenthesis and text[position : position + 1] in (" ", "\t"):
        position += 1  # "Najaf (IraqiNews.com) The blocs ..."
    elif position < len(text):
        return None
    rest = text[position:]
    line_break = separator is not None and "\n" in separator[0]
    if rest and not REST_START_RE.match(rest):
        return None
    if not rest or line_break:
        # Alone on its line ("MOSUL, Iraq"): only a dateline that is plainly one.
        if kind == "title" and source is None and date is None:
            return None
    elif kind == "title" and not (source or date or region):
        return None  # "Ahmed Karim – ..." is a person, as a dateline it would say more
    elif kind == "arabic" and not (source or date or region) and " " in places[0]:
        return None  # a bare place in Arabic script is one word: "هەولێر – ..."
    if kind == "arabic" and has_common_word(f"{places[0]} {region or ''}"):
        return None
    if source and has_common_word(source):
        return None
    return Dateline(
        place="/".join(places),
        region_text=region,
        date_text=date,
        source=source,
        rest=rest.strip(),
        text=dateline_text,
    )


def has_common_word(name):
    """Whether `name` holds a word that begins sentences in Arabic script (COMMON_WORDS)."""
    return not COMMON_WORDS.isdisjoint(name.split())


def _source_alone(text):
    match = SOURCE_ALONE_RE.match(text)
    if match is None:
        return None
    rest = text[match.end() :]
    if not rest or not REST_START_RE.match(rest) or has_common_word(match["source"]):
        return None
    return Dateline(
        place=None,
        region_text=None,
        date_text=None,
        source=match["source"],
        rest=rest.strip(),
        text=match["source"],
    )
