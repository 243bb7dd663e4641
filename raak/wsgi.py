import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raak.settings")
application = get_wsgi_application()

# Any WSGI server is a production entry point: never with the development key, never
# without SITE_URL.
from raak.accounts.checks import refuse_unready_production  # noqa: E402

refuse_unready_production()
