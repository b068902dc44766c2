"""Django's Redis cache backend, with one Redis client per server and options in the process.

Django's RedisCacheClient builds a new `redis.Redis` for every operation. The connections come
from the backend's pool, so that is cheap in sockets, but each new client builds its table of
response callbacks: measured here, 0.4 ms a request, more than the rest of serving a cached
page's GET. Django also makes a backend, and with it a pool, for each thread, and for each
piece of work done in another thread (articles/background.py): a pool per backend opened a
connection to Redis for each. A client holds no connection of its own and is safe to share
between threads, and a pool knows when the process has forked, so one client per server (and
options) serves every backend and every operation of the process.
"""

# The client library, imported with the backend as a worker starts (huzhou_news/wsgi.py) rather
# than by the first request that touches the cache, which Django's client does (65 ms).
import redis
from django.core.cache.backends import redis as django_redis

_clients: dict[tuple, redis.Redis] = {}  # (server, pool class, options) → client


class SharedClientCacheClient(django_redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        server = self._servers[self._get_connection_pool_index(write)]
        shared = (server, self._pool_class, repr(sorted(self._pool_options.items())))
        client = _clients.get(shared)
        if client is None:
            pool = self._pool_class.from_url(server, **self._pool_options)
            client = _clients.setdefault(shared, self._client(connection_pool=pool))
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientCacheClient
