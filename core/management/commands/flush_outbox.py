from django.core.management.base import BaseCommand

from core.outbox import flush_outbox


class Command(BaseCommand):
    help = "Send background jobs that wait in the outbox (kept while Redis was down)."

    def handle(self, *args, **options):
        sent = flush_outbox()
        self.stdout.write(f"Sent {sent} job(s) from the outbox.")
