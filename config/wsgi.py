import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

from core.startup import freeze_loaded_heap  # noqa: E402 (needs the loaded application)

freeze_loaded_heap()
