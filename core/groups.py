"""The four role groups exist in every database, and administrators may edit the framework."""

from django.contrib.auth.models import Group, Permission

from core.roles import Role
from core.translation_review import TRANSLATION_REVIEWERS

# Apps whose models the administrator group manages in Django admin (within their municipality;
# case data read-only, see core.admin_site). The global Celery schedules are for superusers only.
ADMINISTERED_APPS = ["samarbejde", "tilbud", "borgerforloeb"]
SUPERUSER_APPS = ["django_celery_beat"]
READ_ONLY_MODELS = {"auditevent"}


def ensure_groups(sender=None, **kwargs):
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    # Who may review translations in the browser besides superusers (core.translation_review).
    Group.objects.get_or_create(name=TRANSLATION_REVIEWERS)
    admin_group = Group.objects.get(name=Role.ADMINISTRATOR.value)
    perms = Permission.objects.filter(content_type__app_label__in=ADMINISTERED_APPS)
    # Their own audit rows, and the people of their municipalities (the admin's people pickers).
    audit_view = Permission.objects.filter(
        content_type__app_label="core", codename__in=["view_auditevent", "view_user"]
    )
    admin_group.permissions.add(*perms, *audit_view)
    admin_group.permissions.remove(*Permission.objects.filter(content_type__app_label__in=SUPERUSER_APPS))
