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
