"""Credits, trailers and bylines in wire copy: plain functions over a story's paragraphs.

- `take_byline(paragraphs)`: a byline line at the top of a story (`By Jane Roe`,
  `By JANE ROE Associated Press`, `By Jane Roe, Reuters`) leaves the text and gives
  the names (title-cased when written in capitals) and the agency it names.
- `take_closing_credits(paragraphs)`: from the end of the story, credit lines in the
  agencies' forms (`Reporting by A and B; Writing by C; Editing by D`, in brackets or not,
  `Additional reporting by`, `Compiled by`, `Edited by`) and transmission trailers
  (`/End/`, `Enditem`, `(END)`, desk codes such as `(aa/bb)` or `ma/lh`, a closing
  `(Outlet Digital Media)`) leave the text; the names become bylines and editors.

Each returns a plain `Credits` value and the paragraphs left. A paragraph is taken only
when the whole of it (or its whole last line, or a bracketed group closing it) reads as a
credit or trailer: names made of capitalised words, particles (al-, Abu, bin, ...) or words
of a script without capitals; trailers after the end of a sentence. A sentence that merely
ends with a bracket stays as it is.
"""

import re
from dataclasses import dataclass, field

# Words that may begin a name in lower case (al-Hassan, bin Laden, de Mistura).
PARTICLES = {"al", "el", "ul", "ud", "bin", "bint", "ibn", "abu", "abd", "de", "da", "di",
             "van", "von", "der", "den", "du", "la", "le"}  # fmt: skip
# Particles a name in capitals shows in lower case inside it (AL-HASSAN -> al-Hassan).
LOWER_CASE_PARTICLES = PARTICLES - {"abu", "abd"}
# Words that look like names but begin ordinary sentences ("By Monday, ...").
NOT_NAMES = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "the", "this", "that", "then", "now",
    "early", "late", "last", "next", "noon", "midnight", "mid",
}  # fmt: skip
# Roles of a credit line, and whether each credits a writer (byline) or an editor.
ROLES = {
    "reporting": "byline",
    "additional reporting": "byline",
    "writing": "byline",
    "written": "byline",
    "compiled": "byline",
    "compiling": "byline",
    "editing": "editor",
    "edited": "editor",
}
ROLE_RE = re.compile(
    r"^(?P<role>(?:additional\s+)?reporting|writing|written|compiled|compiling|editing|edited)"
    r"\s+by\s*:?\s+(?P<names>.+)$",
    re.IGNORECASE | re.DOTALL,
)
# News agencies a byline line may end with; any name ending in one of these words, too.
AGENCIES = (
    "Associated Press", "AP", "Reuters", "Agence France-Presse", "AFP", "Xinhua", "dpa",
    "Deutsche Presse-Agentur", "Anadolu Agency", "Anadolu", "Kurdistan 24", "Kurdistan24",
    "Rudaw", "Shafaq News", "IraqiNews.com", "UPI", "Bloomberg", "Kyodo", "EFE", "ANSA",
)  # fmt: skip
AGENCY_WORD_RE = re.compile(
    r"(?:\b(?:Press|News|Agency|Media|Service|Network|Radio|TV|Times|Post|Wire)|\.com|\d+)$"
)
NAME_SPLIT_RE = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s+و\s*", re.IGNORECASE)
WORD_RE = re.compile(r"^[^\W\d_][\w'’.\-]*$")

# Trailers: what closes a transmission rather than the story.
SENTENCE_END = r"(?:^|(?<=[.!?\"”’»:])\s*|\s+(?=[/(\[\-–—=#]))"
END_MARK = (
    r"(?:[/(\[\-–—=#]+\s*(?i:end(?:\s*item)?|ends)\s*[/)\]\-–—=#]*"  # /End/ (END) -END- ==END==
    r"|END(?:ITEM)?|Enditem|End\s*item|ENDS|\#{2,}|-30-)"
)
# Desk codes: editors' initials joined by slashes, "ma/lh", "(aa/bb)", "str-ah/it".
INITIALS = r"[a-z]{1,4}(?:-[a-z]{1,4})*(?:/[a-z]{1,4})+"
DESK_CODE = rf"(?:\(\s*{INITIALS}\s*\)|{INITIALS})"
TRAILER_RE = re.compile(rf"{SENTENCE_END}(?:{END_MARK}|{DESK_CODE})\s*$")
# A closing "(Outlet Digital Media)": a bracketed name of capitalised words after the end of
# a sentence, or alone.
OUTLET_RE = re.compile(
    r"(?:^|(?<=[.!?\"”’»])\s*)\(\s*(?P<name>[^\W\d_][\w.&'’\-]*(?:\s+[\w.&'’\-]+){0,6})\s*\)\s*$"
)


@dataclass
class Credits:
    bylines: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    agency: str = ""


def title_case_word(word, first):
    """One word of a name written in capitals, in the case a page shows it: JANE -> Jane,
    AL-HASSAN -> al-Hassan (Al-Hassan first), O'BRIEN -> O'Brien, HÊMIN -> Hêmin."""
    parts = re.split(r"([\-'’])", word.lower())
    shown = []
    for index, part in enumerate(parts):
        if index == 0 and part in LOWER_CASE_PARTICLES and len(parts) > 1 and not first:
            shown.append(part)
        else:
            shown.append(part[:1].upper() + part[1:])
    return "".join(shown)


def display_name(name):
    """A name as a page shows it: as written, unless it is all in capitals."""
    name = " ".join(name.split())
    if any(char.islower() for char in name) or not any(char.isupper() for char in name):
        return name
    words = name.split(" ")
    return " ".join(
        word.lower() if word.lower() in LOWER_CASE_PARTICLES and 0 < i < len(words) - 1
        else title_case_word(word, i == 0)
        for i, word in enumerate(words)
    )  # fmt: skip


def is_name(text):
    """Whether `text` reads as one person's name: one to six words, each capitalised, a
    particle (al-, Abu, bin), an initial, or of a script without capitals (Arabic)."""
    words = text.split()
    if not 1 <= len(words) <= 6:
        return False
    if words[0].lower().strip(".") in NOT_NAMES:
        return False
    for word in words:
        if not WORD_RE.match(word):
            return False
        head = word.split("-")[0].lower()
        if word[0].islower() and head not in PARTICLES:
            return False
    # A name has a word that is not a particle.
    return any(w.split("-")[-1].lower() not in PARTICLES for w in words)


def split_names(text):
    """The names of a credit (`A, B and C`), or None when any part is not a name."""
    names = [part.strip() for part in NAME_SPLIT_RE.split(text.strip()) if part.strip()]
    if not names or not all(is_name(name) for name in names):
        return None
    return [display_name(name) for name in names]


# Credit lines the Arabic, Sorani and Kurmanji desks write as "label: names" (the seed's
# translations close with "تحرير: لوري ميلروي", "دەستکاریکردنی: لۆری مایلرۆی", "Edîtor: ...").
LABELLED_ROLES = {
    "تحرير": "editor", "مراجعة": "editor", "إعداد": "byline", "تقرير": "byline",
    "دەستکاریکردنی": "editor", "دەستکاری": "editor", "ئامادەکردنی": "byline",
    "نووسینی": "byline", "edîtor": "editor", "sererastkirin": "editor",
    "amadekar": "byline", "nivîskar": "byline", "rapor": "byline",
}  # fmt: skip
LABELLED_RE = re.compile(
    r"^(?P<role>" + "|".join(map(re.escape, LABELLED_ROLES)) + r")\s*[:：]\s*(?P<names>.+)$",
    re.IGNORECASE,
)


def parse_credit_line(line):
    """A credit line (`Reporting by A; Editing by B`, perhaps in brackets, perhaps closed
    with a full stop) as Credits, or None when the line is anything else."""
    text = " ".join(line.split())
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    text = text.rstrip(".").strip()
    if not text:
        return None
    credits = Credits()
    for part in re.split(r"\s*;\s*|\s*\.\s+(?=[^\W\d_]+(?:\s+[^\W\d_]+)?\s+by\b)", text):
        match = ROLE_RE.match(part.strip())
        labelled = LABELLED_RE.match(part.strip()) if match is None else None
        if match is None and labelled is None:
            return None
        match = match or labelled
        names = split_names(match["names"].rstrip("."))
        if names is None:
            return None
        if labelled:
            role = LABELLED_ROLES[match["role"].lower()]
        else:
            role = ROLES[" ".join(match["role"].lower().split())]
        (credits.bylines if role == "byline" else credits.editors).extend(names)
    return credits


def strip_trailers(paragraph):
    """`paragraph` without the transmission trailers and desk codes closing it."""
    while True:
        stripped = TRAILER_RE.sub("", paragraph).rstrip()
        outlet = OUTLET_RE.search(stripped)
        if outlet and is_outlet(outlet["name"]):
            stripped = stripped[: outlet.start()].rstrip()
        if stripped == paragraph:
            return paragraph
        paragraph = stripped


def is_outlet(name):
    """A bracketed name that closes a story: capitalised words naming a medium."""
    words = name.split()
    return (
        len(words) >= 2
        and all(w[0].isupper() or w[0].isdigit() for w in words)
        and bool(AGENCY_WORD_RE.search(name))
    ) or name in AGENCIES


def _merge(into, credits):
    # Closing credits are read from the end: earlier lines come first.
    into.bylines[:0] = credits.bylines
    into.editors[:0] = credits.editors


def take_closing_credits(paragraphs):
    """(Credits, paragraphs left) once the credit lines and trailers closing the story are
    taken: a credit line is a paragraph, the last line of one, or a bracketed credit
    closing the last sentence (`... said. (Reporting by A; Editing by B)`)."""
    paragraphs = list(paragraphs)
    credits = Credits()
    while paragraphs:
        last = strip_trailers(paragraphs[-1])
        lines = last.split("\n")
        found = parse_credit_line(lines[-1])
        if found is not None:
            _merge(credits, found)
            last = "\n".join(lines[:-1]).rstrip()
        else:
            bracket = re.search(r"(?:^|(?<=[.!?\"”’»])\s*)(\([^()]+\))\s*$", last)
            found = parse_credit_line(bracket[1]) if bracket else None
            if found is not None:
                _merge(credits, found)
                last = last[: bracket.start()].rstrip()
        if not last.strip():
            paragraphs.pop()
            continue
        if last == paragraphs[-1]:
            break
        paragraphs[-1] = last
    return credits, paragraphs


def parse_byline(line):
    """A byline line (`By Jane Roe`, `By JANE ROE Associated Press`, `By A and B, Reuters`)
    as Credits, or None when the line is anything else."""
    match = re.match(r"^(?:By|BY)\s*:?\s+(?P<rest>.+?)\.?$", " ".join(line.split()))
    if match is None:
        return None
    rest, agency = match["rest"], ""
    for known in sorted(AGENCIES, key=len, reverse=True):
        if re.search(rf"(?:^|[\s,|/–—-]){re.escape(known)}$", rest, re.IGNORECASE):
            agency, rest = known, rest[: -len(known)].rstrip(" ,|/–—-")
            break
    else:
        # "By JANE ROE Kurdistan Daily Press": the name in capitals, the agency after it.
        capitals = re.match(r"^(?P<name>[^\Wa-z\d_][^a-z]*?)\s+(?P<agency>\S*[a-z].*)$", rest)
        comma = rest.rsplit(",", 1)
        if capitals and not any(ch.islower() for ch in capitals["name"]):
            rest, agency = capitals["name"], capitals["agency"]
        elif len(comma) == 2 and AGENCY_WORD_RE.search(comma[1].strip()):
            rest, agency = comma[0], comma[1].strip()
    names = split_names(rest)
    if not names:
        return None
    return Credits(bylines=names, agency=agency)


def take_byline(paragraphs, within=3):
    """(Credits, paragraphs left) once a byline line among the first `within` paragraphs
    is taken: a paragraph of its own, or the first line of one (`By JANE ROE Associated
    Press` then `MOSUL, Iraq` on the next line). Never the summary's first word."""
    paragraphs = list(paragraphs)
    for index, paragraph in enumerate(paragraphs[:within]):
        first, _, remainder = paragraph.partition("\n")
        credits = parse_byline(first)
        if credits is None:
            continue
        if remainder.strip():
            paragraphs[index] = remainder.strip()
        else:
            del paragraphs[index]
        return credits, paragraphs
    return Credits(), paragraphs
