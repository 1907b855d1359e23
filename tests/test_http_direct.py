"""The transport's shortcut past ``Session.post`` (a request prepared once per URL and headers,
handed to the session's own adapter) puts exactly the same bytes on the wire, and is not taken
when the session was changed in a way ``Session.post`` would honour."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sogenactif import _http

REPLY = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


class RawServer:
    """Records each request's exact bytes; answers every request with REPLY (keep-alive)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.requests: list[bytes] = []
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        buffer = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buffer:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, _, rest = buffer.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(rest) < length:
                    rest += conn.recv(65536)
                self.requests.append(head + b"\r\n\r\n" + rest[:length])
                buffer = rest[length:]
                conn.sendall(REPLY)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture()
def raw() -> Iterator[RawServer]:
    server = RawServer()
    yield server
    server.close()


TIMEOUTS = _http.Timeouts(connect=5.0, read=5.0)
HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def _post(session: requests.Session, url: str, body: bytes) -> _http.HttpReply:
    return _http.post(session, url, body, HEADERS, TIMEOUTS, 1 << 20)


def test_same_bytes_as_session_post(raw: RawServer) -> None:
    session = _http.new_session()
    url = raw.base_url + "/rs-services/v2/token/paymentTokenGenerate"
    for body in (b'{"a":"1"}', '{"é":"€"}'.encode(), b"x" * 5000):
        reply = _post(session, url, body)  # the shortcut
        assert reply.status_code == 200 and reply.body == b"{}"
        assert session.post(url, data=body, headers=HEADERS, timeout=(5.0, 5.0)).content == b"{}"
        shortcut, reference = raw.requests[-2:]
        assert shortcut == reference
    assert len(session.__dict__[_http._DIRECT][1]) == 1  # one prepared request, reused


def test_taken_only_for_an_untouched_session(raw: RawServer, monkeypatch: Any) -> None:
    url = raw.base_url + "/x"
    calls: list[str] = []
    real_send = requests.adapters.HTTPAdapter.send

    def spy(self: Any, request: Any, **kwargs: Any) -> Any:
        calls.append(request.url)
        return real_send(self, request, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", spy)
    fresh = _http.new_session()
    assert _http._direct_send(fresh, url, b"{}", HEADERS, TIMEOUTS) is not None

    seen: list[int] = []
    hooked = _http.new_session()
    hooked.hooks["response"].append(lambda r, **kw: seen.append(r.status_code))
    changed = [
        hooked,
        _http.new_session(),
        _http.new_session(),
        _http.new_session(),
        requests.Session(),  # not ours
    ]
    changed[1].headers["X-Extra"] = "1"
    changed[2].proxies = {"http": "http://127.0.0.1:9"}
    changed[3].verify = False
    for session in (changed[0], changed[2], changed[3], changed[4]):
        assert _http._direct_send(session, url, b"{}", HEADERS, TIMEOUTS) is None
    # A header added to the session is taken into account (a new prepared request).
    _post(changed[1], url, b"{}")
    assert b"X-Extra: 1" in raw.requests[-1]
    _post(hooked, url, b"{}")
    assert seen == [200]  # Session.post ran the session's hook
