"""Fixtures of the simulator's tests: a fresh simulator per test, and a REST client of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import sogenactif
from sogenactif.testing import Simulator


@pytest.fixture()
def sim() -> Iterator[Simulator]:
    with Simulator() as simulator:
        yield simulator


@pytest.fixture()
def c(sim: Simulator) -> Iterator[sogenactif.Client]:
    client = sim.client("rest", timeout=10)
    yield client
    client.close()
