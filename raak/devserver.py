"""The development server's WSGI application (`runserver`, and so `make demo`).

`runserver` loads settings.WSGI_APPLICATION, and nothing else does: production WSGI
servers are pointed at `raak.wsgi:application`, which refuses the built-in development
SECRET_KEY. The demo runs with that key on purpose (no environment variables needed),
so the development server gets its own module without the refusal.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raak.settings")
application = get_wsgi_application()
