"""Work begun beside a request (articles/background.py): in another thread with its own
connection outside a transaction, here inside one, context variables carried, errors returned;
and a listing's facets counted that way, with the same counts as when counted here."""

import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import background, generation, routers
from articles.models import Article

from .conftest import html
from .test_facets import facet
from .test_live_site import database_refusing_connections


def where_and_how_many():
    return threading.current_thread().name, Article.objects.count()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_work_runs_in_another_thread_and_reads_committed_rows():
    call_command("loaddata", "seed_reports", verbosity=0)
    thread, stories = background.begin(where_and_how_many).result(timeout=30)
    assert thread.startswith("request-background")
    assert stories == 4


@pytest.mark.django_db
def test_inside_a_transaction_the_work_runs_here_and_reads_its_rows(seed):
    # Another connection would not see the seed, loaded in this test's open transaction.
    assert background.in_transaction()
    thread, stories = background.begin(where_and_how_many).result(timeout=30)
    assert thread == threading.current_thread().name
    assert stories == 4


@pytest.mark.django_db(transaction=True)
def test_context_variables_go_with_the_work():
    token = routers._reads_from_replica.set(True)
    try:
        carried = background.begin(routers._reads_from_replica.get).result(timeout=30)
    finally:
        routers._reads_from_replica.reset(token)
    assert carried is True
    assert background.begin(routers._reads_from_replica.get).result(timeout=30) is False


def refuse():
    raise ValueError("refused")


# Inside a test's transaction the work is done here; outside one, in another thread.
HERE_OR_BESIDE = pytest.mark.parametrize(
    "beside",
    [
        pytest.param(False, marks=pytest.mark.django_db, id="here"),
        pytest.param(True, marks=pytest.mark.django_db(transaction=True), id="in another thread"),
    ],
)


@HERE_OR_BESIDE
def test_an_error_comes_back_with_the_result(beside):
    assert background.in_transaction() is not beside
    future = background.begin(refuse)
    with pytest.raises(ValueError, match="refused"):
        future.result(timeout=30)


@HERE_OR_BESIDE
def test_a_searchs_facets_are_the_same_wherever_they_are_counted(beside, client):
    call_command("loaddata", "seed_reports", verbosity=0)
    with CaptureQueriesContext(connection) as queries:
        page = html(client.get("/search/", {"q": "曹凯琳"}))
    assert facet(page, "记者") == {
        "曹凯琳": ("3", "?q=%E6%9B%B9%E5%87%AF%E7%90%B3&reporter=cao-kailin"),
        "徐冬梅": ("1", "?q=%E6%9B%B9%E5%87%AF%E7%90%B3&reporter=xu-dongmei"),
        "高飞": ("1", "?q=%E6%9B%B9%E5%87%AF%E7%90%B3&reporter=gao-fei"),
    }
    # The facets' one query (facets.COUNTED_SQL) ran on this connection, or on another.
    counted_here = any("grid(id)" in query["sql"] for query in queries.captured_queries)
    assert counted_here is not beside


@pytest.mark.django_db(transaction=True)
def test_a_reporters_page_has_its_facets_from_another_thread(client):
    call_command("loaddata", "seed_reports", verbosity=0)
    page = html(client.get("/reporters/cao-kailin/"))
    assert facet(page, "地区")["湖州市"][0] == "3"


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["9", "0", "-1", "abc", "123456"])
def test_a_page_that_is_not_there_begins_no_facets(client, seed, number):
    # Here, inside the test's transaction, facets begun would be counted at once.
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/reporters/cao-kailin/", {"page": number})
    assert response.status_code == 404
    assert not any("grid(id)" in query["sql"] for query in queries.captured_queries)


@pytest.mark.django_db
def test_the_last_page_asked_for_by_name_has_its_facets(client, seed):
    page = html(client.get("/reporters/cao-kailin/", {"page": "last"}))
    assert facet(page, "地区")["湖州市"][0] == "3"


@pytest.mark.django_db(transaction=True)
def test_the_requests_archive_state_goes_with_the_work():
    state = generation.read_state()
    token = generation.remember_for_request(state)
    try:
        assert background.begin(generation.current_state).result(timeout=30) is state
    finally:
        generation.forget_for_request(token)


def backend_pid():
    with connection.cursor() as cursor:
        return cursor.connection.info.backend_pid


def is_connected(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 1


def gone_after_a_moment(pid):
    # A server process leaves pg_stat_activity a moment after its client has gone.
    for _ in range(50):
        if not is_connected(pid):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_closing_the_threads_connections_leaves_none_open_on_the_database():
    # What dropping the test database at the end of the run needs (tests/conftest.py).
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is in memory: nothing to drop")
    threads = background.begin(backend_pid).result(timeout=30)
    assert threads != backend_pid()
    assert background.begin(backend_pid).result(timeout=30) == threads  # kept (CONN_MAX_AGE)
    assert is_connected(threads)
    background.close_connections()
    assert gone_after_a_moment(threads)


@pytest.mark.django_db(transaction=True)
def test_the_background_thread_losing_the_database_answers_the_503_page(client):
    # Its connection dropped and no new one allowed; the request's own connection stays.
    if connection.vendor != "postgresql":
        pytest.skip("needs a database server that can refuse connections")
    call_command("loaddata", "seed_reports", verbosity=0)
    background.begin(Article.objects.count).result(timeout=30)
    with database_refusing_connections():
        response = client.get("/search/", {"q": "曹凯琳"})
    assert response.status_code == 503
    assert "档案暂时无法访问" in response.content.decode()
    assert html(client.get("/search/", {"q": "曹凯琳"})).select_one("aside.facets") is not None
