"""The read-replica router (articles/routers.py): readers' pages read from the replica; writes,
the admin, editors, commands and anything after a write read from the primary."""

import pytest
from django.db import router
from django.http import HttpResponse

from articles.models import Article
from articles.routers import ReplicaRouter, ReplicaRoutingMiddleware

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def with_replica(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}


def reads_during(request, write_first=False):
    """Which database a view reads from while serving `request`."""

    def view(request):
        if write_first:
            assert router.db_for_write(Article) == "default"
        return HttpResponse(router.db_for_read(Article))

    return ReplicaRoutingMiddleware(view)(request).content.decode()


def test_a_readers_page_reads_from_the_replica(rf, with_replica):
    assert reads_during(rf.get("/articles/")) == "replica"
    assert reads_during(rf.head("/tags/")) == "replica"


@pytest.mark.parametrize(
    "request_kind", ["admin page", "editor's cookie", "a write", "POST to the admin"]
)
def test_everything_else_reads_from_the_primary(rf, with_replica, settings, request_kind):
    if request_kind == "admin page":
        request = rf.get(f"/{settings.ADMIN_PATH}articles/article/")
    elif request_kind == "editor's cookie":
        request = rf.get("/articles/")
        request.COOKIES[settings.SESSION_COOKIE_NAME] = "x"
    elif request_kind == "POST to the admin":
        request = rf.post(f"/{settings.ADMIN_PATH}articles/article/1/change/")
    else:
        request = rf.get("/articles/")
    assert reads_during(request, write_first=request_kind == "a write") == "default"


def test_outside_a_request_everything_reads_from_the_primary(with_replica):
    assert ReplicaRouter().db_for_read(Article) == "default"
    assert ReplicaRouter().db_for_write(Article) == "default"


def test_the_request_mark_does_not_leak_into_the_next_request(rf, with_replica):
    reads_during(rf.get("/articles/"))
    assert ReplicaRouter().db_for_read(Article) == "default"


def test_without_a_replica_the_router_reads_from_the_primary(rf):
    assert reads_during(rf.get("/articles/")) == "default"


def test_migrations_run_on_the_primary_only():
    assert ReplicaRouter().allow_migrate("default", "articles")
    assert not ReplicaRouter().allow_migrate("replica", "articles")


@pytest.mark.django_db
def test_pages_work_through_the_router(client):
    # With the test settings' single database the router answers "default" and pages work.
    assert client.get("/articles/").status_code == 200
