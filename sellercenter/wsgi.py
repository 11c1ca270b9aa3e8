import os

from django.core.wsgi import get_wsgi_application

from sellercenter.checks import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellercenter.settings")
require_secret_key()
application = get_wsgi_application()
