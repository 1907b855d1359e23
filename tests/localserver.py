"""A real HTTP server on 127.0.0.1 whose replies each test scripts (no network beyond loopback).

``server.reply = lambda req: Reply(200, body, "application/json")`` sets the answer; every request
is recorded in ``server.requests`` with its exact bytes.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape

from sogenactif.seal import compute_seal


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


class LocalServer:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.reply: Callable[[Recorded], Reply] = lambda req: Reply(404, b"no reply scripted")
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                recorded = Recorded("POST", self.path, dict(self.headers.items()), body)
                server.requests.append(recorded)
                reply = server.reply(recorded)
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # A short poll interval: shutdown() waits for it, and tests start many servers.
        self.thread = threading.Thread(
            target=lambda: self.httpd.serve_forever(poll_interval=0.02), daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        assert isinstance(host, str)
        return f"http://{host}:{port}"

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def make_client(server: LocalServer, protocol: str, **options: Any) -> Any:
    """A client of the guide's test shop talking to ``server``."""
    import sogenactif
    from tests.conftest import KEY_VERSION, MERCHANT_ID, SECRET_KEY

    settings: dict[str, Any] = {"timeout": 5, **options}
    return sogenactif.Client(
        merchant_id=MERCHANT_ID,
        secret_key=SECRET_KEY,
        key_version=KEY_VERSION,
        environment=server.base_url,
        protocol=protocol,  # type: ignore[arg-type]
        **settings,
    )


def sealed(fields: Mapping[str, Any], key: str, algorithm: str = "HMAC-SHA-256") -> dict[str, Any]:
    """``fields`` plus their seal, in the order given (responses are not sorted)."""
    out = dict(fields)
    out["seal"] = compute_seal(out, key, algorithm)
    return out


def json_reply(fields: Mapping[str, Any]) -> Reply:
    return Reply(200, json.dumps(fields).encode("utf-8"), "application/json;charset=UTF-8")


def _xml_fields(fields: Mapping[str, Any], list_items: Mapping[str, str]) -> str:
    parts = []
    for name, value in fields.items():
        if isinstance(value, list):
            item = list_items.get(name, name[:-4])
            inner = "".join(
                f"<{item}>{_xml_fields(v, list_items) if isinstance(v, Mapping) else escape(str(v))}"
                f"</{item}>"
                for v in value
            )
            parts.append(f"<{name}>{inner}</{name}>")
        elif isinstance(value, Mapping):
            parts.append(f"<{name}>{_xml_fields(value, list_items)}</{name}>")
        else:
            parts.append(f"<{name}>{escape(str(value))}</{name}>")
    return "".join(parts)


def soap_reply(
    service: str, function: str, fields: Mapping[str, Any], list_items: Mapping[str, str]
) -> Reply:
    """The dictionary's response shape: ``<fnResponse xmlns=…><output>…</output></fnResponse>``."""
    ns = f"urn:sips:cn:contract:office:{service}:v2"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        f'<{function}Response xmlns="{ns}"><output>{_xml_fields(fields, list_items)}</output>'
        f"</{function}Response></soap:Body></soap:Envelope>"
    )
    return Reply(200, body.encode("utf-8"), "text/xml;charset=UTF-8")
