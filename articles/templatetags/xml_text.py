"""`xml_text`: text as XML character data, for templates that write XML (the news
sitemap). Removes what XML 1.0 forbids and escapes the rest (articles.text)."""

from django import template
from django.utils.safestring import mark_safe

from articles.text import escape_xml_text

register = template.Library()


@register.filter
def xml_text(value):
    return mark_safe(escape_xml_text(str(value)))
