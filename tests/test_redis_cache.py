"""The Redis cache backend (huzhou_news/redis_cache.py): a real Redis, one client per pool."""

from huzhou_news.redis_cache import RedisCache
from tests.test_live_site import REDIS_URL, redis_or_skip


def test_the_backend_stores_and_reads_through_one_client():
    redis_or_skip()
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "test-backend"})
    cache.set("页面", {"content": "湖州".encode()}, 30)
    assert cache.get("页面") == {"content": "湖州".encode()}
    assert cache.get_many(["页面", "missing"]) == {"页面": {"content": "湖州".encode()}}
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    assert cache._cache.get_client() is cache._cache.get_client()
    cache.delete("页面")
    assert cache.get("页面") is None


def test_backends_of_one_server_share_its_client_and_others_do_not():
    # Django makes a backend per thread, and per piece of work done in a background thread.
    redis_or_skip()
    first = RedisCache(REDIS_URL, {"KEY_PREFIX": "one"})._cache
    second = RedisCache(REDIS_URL, {"KEY_PREFIX": "two"})._cache
    assert first.get_client() is second.get_client()
    other_options = RedisCache(REDIS_URL, {"OPTIONS": {"socket_timeout": 5}})._cache
    assert other_options.get_client() is not first.get_client()
