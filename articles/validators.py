"""The one rule for a story's date, used by Article.clean() (so the admin), the importer and the
admin's year filter alike.

The earliest date is 1850-01-01: the first Chinese-language newspapers printed in mainland China
date from the 1850s–1870s (上海新报 1861, 申报 1872), so an earlier date in a Huzhou paper is a
typo such as 0021 or 1021. The latest is today (Asia/Shanghai): the archive holds what was
printed, and a date in the future would put a story at the top of every listing.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST_PUBLICATION_DATE = datetime.date(1850, 1, 1)


def latest_publication_date():
    return timezone.localdate()


def validate_publication_date(value):
    """Raise ValidationError (in Chinese) for a date outside the archive's range."""
    if value < EARLIEST_PUBLICATION_DATE:
        raise ValidationError(
            f"见报日期不能早于 {EARLIEST_PUBLICATION_DATE:%Y-%m-%d}：请检查年份。",
            code="too_early",
        )
    today = latest_publication_date()
    if value > today:
        raise ValidationError(f"见报日期不能晚于今天（{today:%Y-%m-%d}）。", code="in_future")


def publication_year(text):
    """A year typed in a URL or query string as an int within the range, or None."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 4):
        return None
    year = int(text)
    if EARLIEST_PUBLICATION_DATE.year <= year <= latest_publication_date().year:
        return year
    return None
