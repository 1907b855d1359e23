"""Shared fixtures. The test shop is the public one of the Office Server JSON guide."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.localserver import LocalServer

MERCHANT_ID = "201040040170001"
SECRET_KEY = "rxSP61eeP_oNi5TxCD7Ngy9YcwC8MLw6OlmFGGcsY54"
KEY_VERSION = 1


@pytest.fixture()
def server() -> Iterator[LocalServer]:
    with LocalServer() as srv:
        yield srv


@pytest.fixture(params=["rest", "soap"])
def protocol(request: pytest.FixtureRequest) -> str:
    return str(request.param)
