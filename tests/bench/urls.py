"""The portal's URLs as a BENCH_MODE process serves them (config/urls.py adds the bench app's URL
only when BENCH_MODE is on at start-up, which a test cannot change afterwards)."""

from bench.urls import urlpatterns as bench_urlpatterns
from config.urls import handler404
from config.urls import urlpatterns as portal_urlpatterns

urlpatterns = [*portal_urlpatterns, *bench_urlpatterns]

__all__ = ["handler404", "urlpatterns"]
