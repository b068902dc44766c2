"""How search results are counted for readers: "4 篇", or "约 9.9 万篇" for an estimate."""

from django import template

register = template.Library()


@register.filter
def story_count(result_count):
    """A search.ResultCount (or a plain number) in words for readers."""
    number = getattr(result_count, "number", result_count)
    estimated = getattr(result_count, "estimated", False)
    if not estimated:
        return f"{number:,} 篇"
    if number >= 10000:
        return f"约 {number / 10000:.1f} 万篇".replace(".0 万", " 万")
    return f"约 {number:,} 篇"
