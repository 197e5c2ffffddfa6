"""The language a story is written in, from its text: `detect_language(text)`.

A minimal version (the script, and Sorani's own letters); the fuller detector of the
same signature replaces it.
"""

import re

ARABIC_SCRIPT_RE = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
# Letters Sorani writes and Arabic does not: ە ێ ۆ ڕ ڵ (and ڤ, گ, چ, پ are shared with
# Persian, so they are not counted).
SORANI_RE = re.compile(r"[\u06d5\u06ce\u06c6\u0695\u06b5]")
# Letters Kurmanji writes in Latin script and English does not.
KURMANJI_RE = re.compile(r"[êîûşçÊÎÛŞÇ]")


def detect_language(text: str) -> str | None:
    """The code (of settings.LANGUAGES: "en", "ckb", "kmr", "ar") of the language `text`
    is written in, or None when it has too few letters to tell."""
    arabic = len(ARABIC_SCRIPT_RE.findall(text))
    latin = len(LATIN_RE.findall(text))
    if arabic + latin < 20:
        return None
    if arabic > latin:
        return "ckb" if len(SORANI_RE.findall(text)) * 100 >= arabic else "ar"
    return "kmr" if len(KURMANJI_RE.findall(text)) * 100 >= latin else "en"
