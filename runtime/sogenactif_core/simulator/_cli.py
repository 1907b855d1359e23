"""The simulator's command line: ``python -m sogenactif.testing [--host 127.0.0.1] [--port 8080]
[--db sim.sqlite]`` (the generated ``sogenactif/testing/__main__.py`` calls :func:`main`).

Runs the Office Server simulator until Ctrl-C or SIGTERM. It prints one line with its base URL
once it listens (with ``--port 0`` the system picks the port: read it from that line).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType

from . import DEFAULT_SHOP, Shop, Simulator


def _shop(text: str) -> Shop:
    """``MERCHANT_ID:KEY_VERSION:SECRET_KEY`` (the key may contain colons)."""
    parts = text.split(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        raise argparse.ArgumentTypeError("a shop is MERCHANT_ID:KEY_VERSION:SECRET_KEY")
    return Shop(parts[0], parts[2], int(parts[1]))


def main(
    simulator_class: type[Simulator],
    argv: list[str] | None = None,
    prog: str = "python -m sogenactif.testing",
) -> int:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="A local Sogenactif Office Server simulator (REST/JSON and SOAP).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (8080; 0 picks a free one)")
    parser.add_argument(
        "--db", default=":memory:", help="SQLite file kept across runs (default: in memory)"
    )
    parser.add_argument(
        "--shop",
        action="append",
        type=_shop,
        metavar="MERCHANT_ID:KEY_VERSION:SECRET_KEY",
        help="a shop (repeat for more); default: the JSON guide's public test shop",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(message)s",
    )
    shops = args.shop or [DEFAULT_SHOP]
    try:
        simulator = simulator_class(shops=shops, db=args.db, host=args.host, port=args.port)
        simulator.start()
    except (OSError, ValueError) as exc:
        print(f"cannot start the simulator: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print(
        f"Sogenactif Office Server simulator listening on {simulator.base_url} "
        f"(db {args.db}; shops {', '.join(f'{s.merchant_id} v{s.key_version}' for s in shops)})",
        flush=True,
    )
    try:
        while not stop.wait(0.5):
            pass
    finally:
        simulator.stop()
    print("simulator stopped", flush=True)
    return 0
