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
