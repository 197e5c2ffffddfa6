from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode

from articles.admin_list import WithDatesFromTheIndex

register = template.Library()


def date_hierarchy_from_index(changelist):
    return date_hierarchy(WithDatesFromTheIndex(changelist))


@register.tag(name="date_hierarchy_from_index")
def date_hierarchy_from_index_tag(parser, token):
    """Django's date hierarchy, its dates read from the date index (admin_list.py)."""
    return InclusionAdminNode(
        parser,
        token,
        func=date_hierarchy_from_index,
        template_name="date_hierarchy.html",
        takes_context=False,
    )
