import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# As django.utils.html.json_script escapes: no story text can close the script element or
# open a comment in it, whatever it holds (`</script>`, `<!--`).
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(value):
    """`value` as a <script type="application/ld+json"> element (json_script, which cannot
    set the type, with the same escaping)."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308 escaped just above
    )


@register.filter
def printed_date(value):
    """A date as the paper prints it: 2021年9月30日, as the `date` filter's "Y年n月j日" prints
    it (the year in four digits), without parsing that format and looking up the locale on
    every call: a listing prints twenty."""
    try:
        return f"{value.year:04}年{value.month}月{value.day}日"
    except AttributeError:
        return ""


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's address without its query string, on the host the request came to (which
    ALLOWED_HOSTS vouches for): never anything a reader typed after the `?`. A later page of a
    listing is a page of its own, so it keeps its number (the paginator's, already checked)."""
    request = context.get("request")
    if request is None:
        return ""
    page = context.get("page_obj")
    number = getattr(page, "number", 1)
    suffix = f"?page={number}" if isinstance(number, int) and number > 1 else ""
    return request.build_absolute_uri(request.path) + suffix


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path
