"""Shared fixtures (shared helpers are in ``tests/support.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.support import LocalServer, RawServer, Script


@pytest.fixture()
def server() -> Iterator[LocalServer]:
    with LocalServer() as srv:
        yield srv


@pytest.fixture(params=["rest", "soap"])
def protocol(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture()
def raw_server() -> Iterator[Callable[[Script], RawServer]]:
    """Start TCP servers that run a script on each request (stopped after the test)."""
    servers: list[RawServer] = []

    def start(script: Script) -> RawServer:
        server = RawServer(script).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__()
