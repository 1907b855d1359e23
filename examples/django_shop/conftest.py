"""Django set up for pytest without plugins: the shop's settings and Django's test environment."""

import os

import django
from django.test.utils import setup_test_environment, teardown_test_environment


def pytest_configure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    django.setup()
    setup_test_environment()  # lets Django's test Client in (ALLOWED_HOSTS "testserver")


def pytest_unconfigure() -> None:
    teardown_test_environment()
