"""A request's SQL run beside it: work begun in another thread, on that thread's own database
connection, while the request goes on in its own.

A listing's facets are counted so (views.ArticleFilterMixin): their query, 4–12 ms at 100,000
stories, runs while the request reads its page and highlights its results instead of after them.
Python gives the other thread the interpreter while a query waits on the database, so what
overlaps is the database's time, not the Python's (the README's "ninth pass" has the numbers).

The thread keeps its connection as a request does (CONN_MAX_AGE, the health checks: old or broken
connections are closed before and after each piece of work). Another connection sees only
committed rows, so inside a transaction (a test's, or a request's that opened one) the work runs
at once in the caller's thread. Context variables go with the work: the request's generation
(generation.current_state) and whether it reads from the replica (routers.py).
"""

import contextvars
import os
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import close_old_connections, connections


def _new_pool():
    # One thread, and so one more connection to each database a worker reads: a sync gunicorn
    # worker serves one request at a time, and a threaded server's requests take turns at it.
    return ThreadPoolExecutor(1, thread_name_prefix="request-background")


_pool = _new_pool()  # its thread starts with the first piece of work


def _forget_threads():
    # A forked process has none of its parent's threads: a pool that had started some would
    # hand work to threads that do not exist.
    global _pool
    _pool = _new_pool()


os.register_at_fork(after_in_child=_forget_threads)


def begin(function, *args):
    """`function(*args)`, begun in another thread (or done here inside a transaction); a
    Future of its result, or of the exception it raised."""
    if in_transaction():
        return _done_here(function, args)
    context = contextvars.copy_context()
    return _pool.submit(context.run, _with_connections, function, args)


def in_transaction():
    return any(connection.in_atomic_block for connection in connections.all(initialized_only=True))


def _done_here(function, args):
    future = Future()
    try:
        future.set_result(function(*args))
    except Exception as error:
        future.set_exception(error)
    return future


def _with_connections(function, args):
    close_old_connections()
    try:
        return function(*args)
    finally:
        close_old_connections()


def close_connections():
    """Closes the background thread's database connections (a test database cannot be dropped
    while one is open)."""
    _pool.submit(connections.close_all).result()
