from django import template

from ..tags import tag_url as _tag_url

register = template.Library()


@register.filter
def tag_url(tag):
    """`{{ tag|tag_url }}`: the tag's page, or "" for a stored slug no URL can hold."""
    return _tag_url(tag)
