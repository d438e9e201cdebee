from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config import views as config_views
from core import observability, oidc, views_account
from core import views as core_views

admin.site.site_header = _("Samarbejdsportalen – administration")
admin.site.site_title = _("Samarbejdsportalen")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", config_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("healthz/live", core_views.healthz_live, name="healthz_live"),
    path("healthz/ready", core_views.healthz_ready, name="healthz_ready"),
    path("metrics", observability.metrics, name="metrics"),
    path("konto/login/", oidc.LoginView.as_view(), name="login"),
    path("konto/totrin/opsaet/", views_account.setup, name="two_factor_setup"),
    path("konto/totrin/kode/", views_account.verify, name="two_factor_verify"),
    path("konto/totrin/gendannelseskoder/", views_account.recovery_codes, name="two_factor_recovery_codes"),
    path("konto/sikkerhed/", views_account.security, name="security"),
    path("konto/sikkerhed/nye-koder/", views_account.new_recovery_codes, name="two_factor_new_codes"),
    path("konto/sikkerhed/slaa-fra/", views_account.disable, name="two_factor_disable"),
    path("konto/", include("django.contrib.auth.urls")),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Translation review in the browser (django-rosetta): superusers and translation reviewers.
    path("oversaettelser/", include("rosetta.urls")),
    path("tilbud/", include("tilbud.urls")),
    path("api/hsds/", include("tilbud.api_urls")),
    path("samarbejde/", include("samarbejde.urls")),
    path("forloeb/", include("borgerforloeb.urls")),
    path("mit-forloeb/", include("mit_forloeb.urls")),
    path("rapporter/", include("rapporter.urls")),
    path("notifikationer/", include("core.notification_urls")),
]

if settings.BENCH_MODE:  # the benchmark's floor view; never in production
    urlpatterns.append(path("", include("bench.urls")))

handler404 = "core.views.page_not_found"
