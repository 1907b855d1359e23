"""A canned HTTP/1.1 keep-alive server for the benchmarks, run in its own process.

Its cost is in both sides of every ratio, so it does as little as it can: an asyncio
``Protocol`` (no streams, no ``http.server``), one prebuilt reply per path, no logging. It
reads a request's head up to the blank line, skips ``Content-Length`` bytes of body, and writes
the prebuilt bytes. Running in another process keeps it off the client's GIL (the machine has
two cores: one for the client, one for this server).

Usage (what :func:`start` does): ``python bench/server.py`` reads ``{path: [content_type,
body]}`` as JSON on stdin, prints the port it listens on (127.0.0.1 only), and serves until
stdin closes.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
from typing import Any

HEAD_END = b"\r\n\r\n"


def _reply(content_type: str, body: bytes) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode("ascii") + body


NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


class _Connection(asyncio.Protocol):
    def __init__(self, replies: dict[bytes, bytes]) -> None:
        self.replies = replies
        self.buffer = b""
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer + data if self.buffer else data
        while True:
            end = buffer.find(HEAD_END)
            if end < 0:
                break
            head = buffer[:end]
            length = 0
            marker = head.lower().find(b"\r\ncontent-length:")
            if marker >= 0:
                stop = head.find(b"\r\n", marker + 2)
                length = int(head[marker + 17 : stop if stop >= 0 else len(head)])
            total = end + 4 + length
            if len(buffer) < total:
                break
            first = head[: head.find(b"\r\n")] if b"\r\n" in head else head
            path = first.split(b" ", 2)[1]
            self.transport.write(self.replies.get(path, NOT_FOUND))
            buffer = buffer[total:]
        self.buffer = buffer


def serve(routes: dict[str, tuple[str, bytes]]) -> None:
    replies = {path.encode("ascii"): _reply(ct, body) for path, (ct, body) in routes.items()}

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: _Connection(replies), "127.0.0.1", 0, backlog=128, reuse_address=True
        )
        port = server.sockets[0].getsockname()[1]
        sys.stdout.write(f"{port}\n")
        sys.stdout.flush()
        stop = asyncio.Event()
        # stdin closing (the benchmark ended or died) stops the server.
        threading.Thread(
            target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(stop.set)), daemon=True
        ).start()
        await stop.wait()
        server.close()

    asyncio.run(main())


class Server:
    """The canned server in a child process; ``base_url`` while it runs."""

    def __init__(self, routes: dict[str, tuple[str, bytes]]) -> None:
        payload = json.dumps({p: [ct, body.decode("utf-8")] for p, (ct, body) in routes.items()})
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        # The routes, then keep stdin open: closing it stops the server.
        self.process.stdin.write(payload + "\n")
        self.process.stdin.flush()
        port = int(self.process.stdout.readline())
        self.base_url = f"http://127.0.0.1:{port}"

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "__main__":
    routes_json = json.loads(sys.stdin.readline())
    serve({p: (ct, body.encode("utf-8")) for p, (ct, body) in routes_json.items()})
