"""POST data for the article admin form, as a browser sends it."""

from html.parser import HTMLParser

from django.urls import reverse
from django.utils import timezone

from articles.models import Article


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def management_form(prefix, initial=0, total=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def article_post_data(article=None, *, new_bylines=(), **overrides):
    """What a browser posts for the add form (article=None) or an article's change form:
    every field as it stands, its existing bylines as inline rows, plus new byline rows."""
    data = {
        "language": "en",
        "translation_of": "",
        "dateline_text": "",
        "headline": "A new story",
        "slug": "a-new-story",
        "summary": "What happened.",
        "body": "The body.",
        "dateline": "",
        "source": "",
        "regions": [],
        "tags": [],
        "editors": [],
        "status": Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "lock_version": "0",
    }
    rows = []
    if article is not None:
        article = Article.objects.get(pk=article.pk)  # what the form would load now
        data.update(
            language=article.language,
            translation_of=article.translation_of_id or "",
            dateline_text=article.dateline_text,
            headline=article.headline,
            slug=article.slug,
            summary=article.summary,
            body=article.body,
            dateline=article.dateline_id or "",
            source=article.source,
            regions=[str(r.pk) for r in article.regions.all()],
            tags=[str(t.pk) for t in article.tags.all()],
            editors=[str(e.pk) for e in article.editors.all()],
            status=article.status,
            lock_version=str(article.lock_version),
        )
        if article.published_at:
            local = timezone.localtime(article.published_at)
            data["published_at_0"] = local.strftime("%Y-%m-%d")
            data["published_at_1"] = local.strftime("%H:%M:%S")
        rows = [
            {"id": ab.pk, "article": article.pk, "byline": ab.byline_id, "position": ab.position}
            for ab in article.article_bylines.order_by("position")
        ]
    initial = len(rows)
    start = len(rows)
    rows += [
        {"id": "", "article": article.pk if article else "", "byline": b.pk, "position": start + i}
        for i, b in enumerate(new_bylines)
    ]
    data.update(management_form("article_bylines", initial=initial, total=len(rows)))
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[f"article_bylines-{i}-{name}"] = str(value)
    # Existing notes come back as the inline rows the form showed.
    notes = []
    if article is not None:
        for note in article.corrections.order_by("noted_at", "pk"):
            local = timezone.localtime(note.noted_at)
            notes.append(
                {
                    "id": note.pk,
                    "article": article.pk,
                    "kind": note.kind,
                    "noted_at_0": local.strftime("%Y-%m-%d"),
                    "noted_at_1": local.strftime("%H:%M:%S"),
                    "text": note.text,
                }
            )
    data.update(management_form("corrections", initial=len(notes), total=len(notes)))
    for i, row in enumerate(notes):
        for name, value in row.items():
            data[f"corrections-{i}-{name}"] = str(value)
    data.update(overrides)
    return data


class _FormReader(HTMLParser):
    """Collects what a browser would submit from the form with the given id."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.fields = []  # (name, value), in document order
        self.in_form = self.done = False
        self.textarea = self.select = None
        self.select_multiple = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id and not self.done:
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            default = "on" if kind in {"checkbox", "radio"} else ""
            self.fields.append((name, attrs.get("value") or default))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def posted_back(response, form_id="article_form", **changes):
    """What a browser sends when the rendered admin form is submitted as it stands, with
    `changes` (field name → value, or list of values) typed in; a value of None clears a
    field (an unchecked box)."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    data = {}
    for name, value in reader.fields:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [value]
    return data
