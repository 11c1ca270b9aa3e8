from django.db import migrations, models

# (code, Spanish, English, seller, buyer, operator, cancellation, dispute type)
REASONS = [
    ("canceled_by_seller", "Cancelado por el seller [CS] (quiebre de stock)", "Canceled by seller [CS] (stock break)",
     True, False, True, True, True),
    ("buyer_request", "Pedido del comprador", "Buyer's request", True, True, True, True, False),
    ("payment_not_confirmed", "Pago no confirmado", "Payment not confirmed", True, False, True, True, False),
    ("address_not_served", "Dirección fuera de cobertura", "Address not served", True, False, True, True, False),
    ("fraud_suspicion", "Sospecha de fraude", "Fraud suspicion", True, False, True, True, False),
    ("price_error", "Error de precio publicado", "Wrong published price", True, False, True, True, False),
    ("product_not_received", "Producto no recibido", "Product not received", False, True, True, False, True),
    ("product_damaged", "Producto dañado", "Product damaged", False, True, True, False, True),
    ("product_not_as_described", "Producto diferente a la descripción", "Product different from the description",
     False, True, True, False, True),
    ("product_incomplete", "Producto incompleto", "Incomplete product", False, True, True, False, True),
]  # fmt: skip


def seed_reasons(apps, schema_editor):
    reason_model = apps.get_model("disputes", "CancellationReason")
    for position, (code, es, en, seller, buyer, operator, cancellation, dispute) in enumerate(REASONS, start=1):
        # get_or_create: an operator's later edits of a seeded reason are never overwritten
        reason_model.objects.get_or_create(
            code=code,
            defaults={
                "label_es": es,
                "label_en": en,
                "usable_by_seller": seller,
                "usable_by_buyer": buyer,
                "usable_by_operator": operator,
                "is_cancellation": cancellation,
                "is_dispute_type": dispute,
                "position": position * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("disputes", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="CancellationReason",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=40, unique=True, verbose_name="código")),
                ("label_es", models.CharField(max_length=120, verbose_name="nombre en español")),
                ("label_en", models.CharField(blank=True, max_length=120, verbose_name="nombre en inglés")),
                ("usable_by_seller", models.BooleanField(default=False, verbose_name="lo usa el seller")),
                ("usable_by_buyer", models.BooleanField(default=False, verbose_name="lo usa el comprador")),
                ("usable_by_operator", models.BooleanField(default=True, verbose_name="lo usa el operador")),
                ("is_cancellation", models.BooleanField(default=False, verbose_name="motivo de cancelación")),
                ("is_dispute_type", models.BooleanField(default=False, verbose_name="tipo de controversia")),
                ("active", models.BooleanField(default=True, verbose_name="activo")),
                ("position", models.PositiveSmallIntegerField(default=100, verbose_name="orden")),
            ],
            options={
                "verbose_name": "motivo de cancelación o controversia",
                "verbose_name_plural": "motivos de cancelación y controversia",
                "ordering": ["position", "code"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("is_cancellation", True), ("is_dispute_type", True), _connector="OR"),
                        name="reason_has_a_use",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("label_es", ""), _negated=True), name="reason_has_spanish_label"
                    ),
                ],
            },
        ),
        migrations.RunPython(seed_reasons, migrations.RunPython.noop),
    ]
