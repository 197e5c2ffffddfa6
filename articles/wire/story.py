"""The plain value every wire format's parser returns, and the one writer stores.

A parser (plain text with its sidecar, ninjs, NewsML-G2, NITF) reads what the document
says into a `Story`; it touches no database. Matching places, finding bylines and
storing the article happen after, the same for every format.
"""

import datetime
from dataclasses import dataclass, field


class WireCopyError(ValueError):
    """The document cannot be read as wire copy; the message says why."""


@dataclass
class Story:
    """One story as delivered. Text is plain (paragraphs without markup); "" and [] mean
    the document does not say."""

    headline: str
    summary: str  # the standfirst; with none, the lead paragraph
    dateline_city: str  # the dateline's place ("Erbil"); "" with no dateline
    source: str  # the supplier the copy names ("AFP"); "" when it names none
    body_paragraphs: list[str]
    editors: list[str] = field(default_factory=list)  # "Editing by ..." credits
    bylines: list[str] = field(default_factory=list)  # the writers credited, in order
    agency: str = ""  # the agency a byline line names: "By JANE ROE Associated Press"
    dateline_text: str = ""  # the place as the dateline writes it: "HASANKEYF, Turkey"
    # What structured formats (and sidecars) carry beside the text:
    key: str = ""  # the provider's id of the document (ninjs uri, NewsML guid, NITF doc-id)
    published_at: datetime.datetime | None = None  # aware; None when not given
    language: str = ""  # a language code as given ("en", "ckb", "ar-IQ"); "" when not given
    tags: list[str] = field(default_factory=list)  # subjects and keywords, as names
    places: list[str] = field(default_factory=list)  # place names the metadata gives
    translation_of: str = ""  # the key of the story this one translates
    # What only a sidecar says (editorial state): the slug asked for, and the status.
    slug: str = ""  # "" lets the writer make one from the headline
    status: str = ""  # one of Article.Status; "" = published with a time, else draft

    @property
    def body(self):
        return "\n\n".join(self.body_paragraphs)
