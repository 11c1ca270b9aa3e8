"""The requests' and disputes' deadlines run from beat's database schedule (django-celery-beat):
operators change it in the admin ("Periodic tasks"). Every minute by default."""

from django.db import migrations
from django.utils import timezone

TASKS = (
    ("Solicitudes de cancelación: aceptar las vencidas (72 h)", "disputes.tasks.accept_overdue_cancellation_requests"),
    ("Controversias: resolver a favor del comprador las vencidas (5 días)", "disputes.tasks.resolve_overdue_disputes"),
    ("Solicitudes y controversias: avisos antes del vencimiento", "disputes.tasks.warn_approaching_deadlines"),
)


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_minute = IntervalSchedule.objects.filter(every=1, period="minutes").order_by("pk").first()
    if every_minute is None:
        every_minute = IntervalSchedule.objects.create(every=1, period="minutes")
    for name, task in TASKS:
        # get_or_create: an operator's later change of schedule survives a re-run of migrations
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "interval": every_minute,
                "enabled": True,
                "description": "Seller Center: see disputes/services.py",
            },
        )
    # tell a running beat (DatabaseScheduler) that its schedule changed
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=[task for _name, task in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0004_requests_and_disputes"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
