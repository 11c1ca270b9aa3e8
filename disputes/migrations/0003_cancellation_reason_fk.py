import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The cancellation's type becomes a reference to a reason row; the column and its codes stay."""

    dependencies = [("disputes", "0002_cancellationreason")]

    operations = [
        migrations.RenameField(model_name="cancellation", old_name="cancellation_type", new_name="reason"),
        migrations.AlterField(
            model_name="cancellation",
            name="reason",
            field=models.ForeignKey(
                db_column="cancellation_type",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="disputes.cancellationreason",
                to_field="code",
                verbose_name="tipo",
            ),
        ),
    ]
