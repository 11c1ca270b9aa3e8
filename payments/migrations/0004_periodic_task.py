"""The payment window runs from beat's database schedule (django-celery-beat): every minute by default;
operators change it in the admin ("Periodic tasks")."""

from django.db import migrations
from django.utils import timezone

NAME = "Pagos: cancelar órdenes sin pago pasado el plazo (72 h)"
TASK = "payments.tasks.expire_unpaid_orders"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every = IntervalSchedule.objects.filter(every=1, period="minutes").order_by("pk").first()
    if every is None:
        every = IntervalSchedule.objects.create(every=1, period="minutes")
    # get_or_create: an operator's later change of schedule survives a re-run of migrations
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "interval": every,
            "enabled": True,
            "description": "Seller Center: see payments/services.py",
        },
    )
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0003_ledger_rows_for_paid_orders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
