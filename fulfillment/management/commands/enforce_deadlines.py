from django.core.management.base import BaseCommand

from fulfillment.deadlines import enforce_deadlines, send_deadline_warnings
from fulfillment.models import PenaltyRule


class Command(BaseCommand):
    help = (
        "Aplica ahora las penalidades por plazos vencidos (lo mismo que la tarea periódica; "
        "repetirlo no duplica nada) y, con --warnings, envía los avisos de plazos por vencer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--warnings", action="store_true", help="también enviar los avisos de vencimiento")
        parser.add_argument("--batch-size", type=int, default=None, help="penalidades por transacción")

    def handle(self, *args, **options):
        result = enforce_deadlines(batch_size=options["batch_size"])
        for rule, count in result.raised.items():
            self.stdout.write(f"{PenaltyRule(rule).label}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Penalidades aplicadas: {result.total}"))
        if options["warnings"]:
            sent = send_deadline_warnings()
            self.stdout.write(self.style.SUCCESS(f"Avisos enviados: {sent}"))
