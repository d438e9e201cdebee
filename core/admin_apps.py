from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django admin with the portal's site: relations scoped, writes audited (core.admin_site)."""

    default_site = "core.admin_site.PortalAdminSite"
