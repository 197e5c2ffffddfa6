"""Which of the newsroom's languages a text is in, and declared language codes read.

`detect_language(text)` gives a code of settings.LANGUAGES (en, ckb, kmr, ar) or None when
the text says too little; `normalise_language_code(code)` maps what a sidecar or a feed
declares ("ar-IQ", "ku-Arab", "ku_IQ", "kmr", "en-GB") to one of those codes.

The rule: each word of the text is evidence for a language when it is one of that
language's most common words, or holds a letter only that language's spelling uses.

- Arabic script: Sorani (ckb) writes the vowels and consonants Arabic has no letter for,
  ە ێ ۆ ڕ ڵ ڤ, with the Persian forms ی and ک, and the older spelling of ە as ه followed
  by a zero-width non-joiner (a letter variant, read as ە); Arabic (ar) writes ة ى ك ي
  and the hamza seats أ إ ؤ, which Sorani spelling does not use (it writes ئ).
- Latin script: Kurmanji (kmr) writes ê î û ç ş, which English words never hold.
- Common words: the most frequent function words of each language (conjunctions,
  prepositions, pronouns, the reporting verbs of news copy), none shared between the two
  languages of a script: و لە بۆ کە ئەم ... / في من على أن التي قال ... / û li di ku de
  bi ji ew hat wek ... / the of and to in was that ...

The language with the most evidence wins when it has at least MIN_EVIDENCE words of it
and more than any other; otherwise (a name, a number, a word or two, a tie between two
languages) the answer is None, and the caller keeps what it knew. Only the first
MAX_CHARACTERS characters are read: a story's language shows in its first paragraphs.

Sources: the letters of each alphabet as Unicode CLDR lists them (the exemplar
characters of the ckb, ar and ku locales; ku is Kurmanji in Latin script) and the Hawar
alphabet of Kurmanji; the word lists are among the most frequent words of each
language's news copy (the seed story and its translations in seeds/ among them).
"""

import re
import unicodedata
from collections import Counter

from django.conf import settings

__all__ = [
    "ARABIC_WORDS",
    "ENGLISH_WORDS",
    "KURMANJI_WORDS",
    "MIN_EVIDENCE",
    "SORANI_WORDS",
    "detect_language",
    "normalise_language_code",
]

MIN_EVIDENCE = 2
MAX_CHARACTERS = 3_000

SORANI_LETTERS = frozenset("ەێۆڕڵڤیک")
ARABIC_LETTERS = frozenset("ةىكيأإؤ")
KURMANJI_LETTERS = frozenset("êîûçş")


def _words(text):
    return frozenset(text.split())


SORANI_WORDS = _words(
    "و لە بۆ کە ئەم ئەو ئەوە ئەمە دەڵێت لەگەڵ بە دوای هەروەها ئەوەی کرد ڕایگەیاند بوو "
    "هەیە نییە تر لەسەر لەبارەی ئێستا دەکات دەبێت کرا بەڵام یان هەر چونکە"
)
ARABIC_WORDS = _words(
    "في من على أن إن التي الذي قال إلى الى عن مع هذا هذه كان ما بعد وقال كما أو ذلك "
    "بين حيث وفي الذين وأضاف أيضا خلال منذ قد لا عام"
)
KURMANJI_WORDS = _words(
    "û li di ku de bi ji ew hat wek jî ya yê yên re ve ên hatin kir got ev wê her "
    "tê dike ne be bû piştî navbera herêma"
)
ENGLISH_WORDS = _words(
    "the of and to in is was that for on with as by from at said it are were has have "
    "be an which this not had but his her their its been will who they"
)
EVIDENCE = {
    "ckb": (SORANI_LETTERS, SORANI_WORDS),
    "ar": (ARABIC_LETTERS, ARABIC_WORDS),
    "kmr": (KURMANJI_LETTERS, KURMANJI_WORDS),
    "en": (frozenset(), ENGLISH_WORDS),
}

# A word: letters (and the marks written on them), with the zero-width non-joiner Sorani
# and Persian words are written with.
WORD_RE = re.compile(r"(?:[^\W\d_]|[\u064b-\u065f\u0670\u200c])+")


def detect_language(text):
    """The language `text` (a str) is written in: a code of settings.LANGUAGES, or None
    when it gives fewer than MIN_EVIDENCE words of evidence or two languages tie (see the
    module's docstring for the rule). Never raises for any text."""
    counts = evidence(text)
    known = {code for code, _ in settings.LANGUAGES}
    ranked = sorted(
        ((count, code) for code, count in counts.items() if code in known), reverse=True
    )
    if not ranked or ranked[0][0] < MIN_EVIDENCE:
        return None
    if len(ranked) > 1 and ranked[1][0] == ranked[0][0]:
        return None
    return ranked[0][1]


def evidence(text):
    """{code: words of evidence} for each language `text` gives any for."""
    counts = {}
    text = unicodedata.normalize("NFC", str(text)[:MAX_CHARACTERS])
    # The older Sorani spelling of ە: ه and a zero-width non-joiner.
    text = text.replace("ه\u200c", "ە").replace("\u200c", "").casefold()
    for word, times in Counter(WORD_RE.findall(text)).items():
        for code, (letters, words) in EVIDENCE.items():
            if word in words or not letters.isdisjoint(word):
                counts[code] = counts.get(code, 0) + times
    return counts


# Declared codes of the languages that have other names: ISO 639-2/3 codes for ISO
# 639-1 ones, and Kurdish ("ku", "kur"), which is Sorani or Kurmanji by its script or,
# without one, by the country (Sorani in Iraq and Iran, Kurmanji elsewhere).
ALIASES = {"eng": "en", "ara": "ar", "kur": "ku", "sorani": "ckb", "kurmanji": "kmr"}
SORANI_REGIONS = {"iq", "ir"}
LANGUAGE_TAG_RE = re.compile(r"^[a-z]{2,8}(?:-[a-z0-9]{1,8})*$")


def normalise_language_code(code):
    """The code of settings.LANGUAGES that the declared `code` (a BCP 47 or ISO 639 tag,
    any case, "-" or "_") names: "ar-IQ" -> "ar"; "ckb", "ku-Arab", "ku_IQ" -> "ckb";
    "ku", "ku-Latn", "kmr" -> "kmr"; "en-GB" -> "en".

    Raises ValueError saying why for what is not a language tag, or names a language the
    newsroom does not publish in."""
    if not isinstance(code, str):
        raise ValueError(f"language {code!r} must be a language code such as 'ckb'")
    tag = code.strip().replace("_", "-").lower()
    if not LANGUAGE_TAG_RE.match(tag):
        raise ValueError(f"language {code!r} is not a language code such as 'ckb' or 'en-GB'")
    primary, *subtags = tag.split("-")
    primary = ALIASES.get(primary, primary)
    if primary == "ku":
        if "arab" in subtags:
            primary = "ckb"
        elif "latn" in subtags or not SORANI_REGIONS.intersection(subtags):
            primary = "kmr"
        else:
            primary = "ckb"
    known = [language for language, _ in settings.LANGUAGES]
    if primary not in known:
        raise ValueError(
            f"language {code!r} is not one the newsroom publishes in ({', '.join(known)})"
        )
    return primary
