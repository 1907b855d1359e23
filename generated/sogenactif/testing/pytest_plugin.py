# Copied by `python -m generator` from generator/runtime/testing/pytest_plugin.py. Do not edit here: edit the original and regenerate.
"""pytest fixtures for the simulator.

Enable them in a ``conftest.py`` with ``pytest_plugins = ["sogenactif.testing.pytest_plugin"]``:

- ``sogenactif_simulator``: a fresh, started :class:`~sogenactif.testing.Simulator` per test
  (in memory, the default test shop);
- ``sogenactif_client``: a REST :class:`sogenactif.Client` of that simulator's default shop.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from . import Simulator

if TYPE_CHECKING:
    from .._client import Client


@pytest.fixture()
def sogenactif_simulator() -> Iterator[Simulator]:
    with Simulator() as simulator:
        yield simulator


@pytest.fixture()
def sogenactif_client(sogenactif_simulator: Simulator) -> Iterator[Client]:
    client = sogenactif_simulator.client("rest", timeout=10)
    try:
        yield client
    finally:
        client.close()
