from django import template
from django.utils.html import json_script
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def ld_json(value):
    """JSON-LD in a script block, escaped as json_script escapes (no </script> breakout).
    A data block, not a script: the Content-Security-Policy does not apply to it."""
    script = json_script(value)  # escapes <, > and & inside the JSON
    return mark_safe(script.replace('type="application/json"', 'type="application/ld+json"', 1))


@register.simple_tag(takes_context=True)
def narrowed(context, params):
    """The archive list's query string (`base_query` in the context: the filters in
    force, canonical, no page) with `params` (a dict of str) set, as "?..."."""
    query = context["base_query"].copy()
    for key, value in params.items():
        query[key] = value
    if "from" in params or "to" in params:
        query.pop("date", None)
    return "?" + query.urlencode()
