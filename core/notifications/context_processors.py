from django.conf import settings
from django.db import connection
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.module_loading import import_string


class _NavCounts:
    """The unread notifications and, when ``settings.NAV_TODO_COUNT`` names a provider of its SQL
    ("Det skal jeg"), the person's open duties: one query for both, run only if a template uses
    one of them."""

    def __init__(self, request):
        self.request = request
        self.user = request.user

    @cached_property
    def values(self) -> tuple[int, int]:
        sql = "SELECT (SELECT count(*) FROM core_notification WHERE recipient_id = %s AND read_at IS NULL)"
        params = [self.user.pk]
        path = getattr(settings, "NAV_TODO_COUNT", "")
        known = getattr(self.request, "todo_count", None)  # a page that listed every duty itself
        if known is not None:
            sql += ", %s"
            params.append(known)
        elif path:
            todo_sql, todo_params = import_string(path)(self.user)
            sql += f", ({todo_sql})"  # noqa: S608 (SQL compiled by Django from the provider)
            params += todo_params
        else:
            sql += ", 0"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            unread, todo = cursor.fetchone()
        return unread, todo


def notifications(request):
    """``unread_notification_count`` and ``todo_count``: one query on partial indexes, only if a
    template uses them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts = _NavCounts(request)
    return {
        "unread_notification_count": SimpleLazyObject(lambda: counts.values[0]),
        "todo_count": SimpleLazyObject(lambda: counts.values[1]),
    }
