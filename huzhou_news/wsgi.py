import gc
import os
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.wsgi import get_wsgi_application
from django.template import engines
from django.urls import get_resolver, reverse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huzhou_news.settings")

application = get_wsgi_application()


def compile_templates():
    """Compile the site's own templates into the cached loader: a worker's first search page
    spent 9 ms compiling its dozen, and gunicorn's --max-requests starts workers all along."""
    engine = engines["django"].engine
    for directory in engine.dirs:
        for path in sorted(Path(directory).rglob("*")):
            if path.is_file():
                engine.get_template(path.relative_to(directory).as_posix())


def prepare_first_request():
    """Do now what a worker's first request would do once: fill the URL resolvers' reverse
    tables (compiling their patterns), build each cache's backend (importing the Redis client
    library: 65 ms) and digest the release that labels cached pages. Each gunicorn worker
    loads this module as it starts. In-process, a worker's first story page took 58–84 ms
    against 12–16 for the next; 40–43 with this done (the rest is code run for the first
    time and the new database connection's first look at each table)."""
    from articles.page_cache import release

    reverse("articles:home")
    for alias in settings.CACHES:
        caches[alias]  # noqa: B018
    release()


# Import the URLconf now (and every view with it: the apps already brought the search's
# dictionaries, pypinyin's phrases alone some 200,000 lists), then leave all that was loaded
# out of garbage collection for good: a full collection walked it every few dozen requests,
# and the request it fell on took 200 ms more.
get_resolver().url_patterns  # noqa: B018
prepare_first_request()
compile_templates()
gc.freeze()
