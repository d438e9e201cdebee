from django.utils.functional import SimpleLazyObject


def notifications(request):
    """``unread_notification_count``: one cheap COUNT on a partial index, only if a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        from core.models import Notification

        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return {"unread_notification_count": SimpleLazyObject(count)}
