from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core import views as core_views
from core.forms import EmailAuthenticationForm

admin.site.site_header = _("Samarbejdsportalen – administration")
admin.site.site_title = _("Samarbejdsportalen")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path(
        "konto/login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path("konto/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("tilbud/", include("tilbud.urls")),
    path("samarbejde/", include("samarbejde.urls")),
    path("forloeb/", include("borgerforloeb.urls")),
]

handler404 = "core.views.page_not_found"
