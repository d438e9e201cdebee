from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

# pg_trgm's default (0.6) misses one-letter transpositions such as "herbreget" for "herberget".
WORD_SIMILARITY_THRESHOLD = 0.5


def set_trigram_threshold(sender, connection, **kwargs):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET pg_trgm.word_similarity_threshold = {WORD_SIMILARITY_THRESHOLD}")


class TilbudConfig(AppConfig):
    name = "tilbud"
    verbose_name = _("Tilbudsoversigt")

    def ready(self):
        from tilbud import signals  # noqa: F401

        connection_created.connect(set_trigram_threshold, dispatch_uid="tilbud_trigram_threshold")
