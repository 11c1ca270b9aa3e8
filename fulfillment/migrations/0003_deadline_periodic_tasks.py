"""The deadline tasks' beat schedule lives in the database (django-celery-beat), so operators
change it in the admin ("Periodic tasks") without a deploy. Every minute by default."""

from django.db import migrations
from django.utils import timezone

TASKS = (
    ("Plazos: penalidades por vencimiento", "fulfillment.tasks.enforce_deadlines"),
    ("Plazos: avisos antes del vencimiento", "fulfillment.tasks.send_deadline_warnings"),
)


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    for name, task in TASKS:
        # get_or_create: an operator's later change of schedule survives a re-run of migrations
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "interval": every_minute,
                "enabled": True,
                "description": "Seller Center: see fulfillment/deadlines.py",
            },
        )
    # tell a running beat (DatabaseScheduler) that its schedule changed
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=[task for _name, task in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("fulfillment", "0002_penalties_and_warnings"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
