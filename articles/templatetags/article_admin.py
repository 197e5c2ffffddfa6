from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode

from articles.admin_list import WithDatesFromTheIndex, WithinPublicationYears

register = template.Library()


def date_hierarchy_from_index(changelist):
    # A list of at most CAP articles is quicker to aggregate, as Django does, than to
    # probe along the date index, where a rare match may lie a whole table's walk away.
    if not changelist.paginator.is_capped:
        return date_hierarchy(WithinPublicationYears(changelist))
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
