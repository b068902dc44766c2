import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huzhou_news.settings")

application = get_wsgi_application()

# Import the URLconf now (and every view with it: the apps already brought the search's
# dictionaries, pypinyin's phrases alone some 200,000 lists), then leave all that was loaded
# out of garbage collection for good: a full collection walked it every few dozen requests,
# and the request it fell on took 200 ms more.
get_resolver().url_patterns  # noqa: B018
gc.freeze()
