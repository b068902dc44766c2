from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
SEED_PAGE = ROOT / "fixtures" / "pages" / "000_fbd30dea7fb6adfd.txt"


@pytest.fixture
def seed(db):
    """The four seed reports, loaded the way `make run` loads them."""
    call_command("loaddata", "seed_reports", verbosity=0)
    from articles.models import Article

    return {a.source_position: a for a in Article.objects.all()}


def html(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def text_of(element):
    """An element's text as a reader sees it: runs of white space folded to one space."""
    return " ".join(element.get_text().split())
