"""Default reminder schedules as django-celery-beat rows (editable in the admin afterwards)."""

from django.db import migrations

SCAN = "core.tasks.run_reminder_scans"
DIGEST = "core.tasks.send_daily_digests"


def create_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")

    every_15, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    seven_am, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="7",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Copenhagen",
    )
    PeriodicTask.objects.get_or_create(
        name="Påmindelser: scan hvert kvarter",
        defaults={"task": SCAN, "interval": every_15, "enabled": True},
    )
    PeriodicTask.objects.get_or_create(
        name="Påmindelser: daglig oversigt kl. 7",
        defaults={"task": DIGEST, "crontab": seven_am, "enabled": True},
    )
    # Tell a running beat that the schedule changed.
    from django.utils import timezone

    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=[SCAN, DIGEST]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_notifications"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
