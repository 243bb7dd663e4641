import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raak.settings")
application = get_wsgi_application()

# Any WSGI server is a production entry point: never with the development key (nor any
# other problem of raak.accounts.checks.production_problems, SITE_URL missing included).
from raak.accounts.checks import refuse_development_key  # noqa: E402

refuse_development_key()
