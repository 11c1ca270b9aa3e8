from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = _("Controversias y cancelaciones")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # `flush` (a test's teardown, an operator's reset) empties the table the data migration
        # seeded; like Django's permissions, the default reasons come back after it
        post_migrate.connect(restore_default_reasons, sender=self)


def restore_default_reasons(sender, using="default", apps=None, **kwargs) -> None:
    from disputes.reasons import ensure_default_reasons

    if apps is not None:
        try:
            apps.get_model("disputes", "CancellationReason")
        except LookupError:
            return  # migrating backwards past the table
    ensure_default_reasons(using=using)
