"""Settings of the example shop: a JSON API with no database, sessions or templates."""

import os

DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
ROOT_URLCONF = "shop.urls"
INSTALLED_APPS: list[str] = []
# No session cookies, hence no CSRF middleware; a real shop authenticates these calls.
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True

# The shop's Office Server account. Default: the public test shop of the Office Server JSON guide,
# which the simulator also knows, and `python -m sogenactif.testing` on this machine.
SOGENACTIF_MERCHANT_ID = os.environ.get("SOGENACTIF_MERCHANT_ID", "201040040170001")
SOGENACTIF_SECRET_KEY = os.environ.get(
    "SOGENACTIF_SECRET_KEY", "rxSP61eeP_oNi5TxCD7Ngy9YcwC8MLw6OlmFGGcsY54"
)
SOGENACTIF_KEY_VERSION = int(os.environ.get("SOGENACTIF_KEY_VERSION", "1"))
SOGENACTIF_ENVIRONMENT = os.environ.get("SOGENACTIF_ENVIRONMENT", "http://127.0.0.1:8080")

# The shop's own log lines (references and response codes, never card data) on the console.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django_shop": {"handlers": ["console"], "level": "INFO"}},
}
