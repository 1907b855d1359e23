"""The simulator's command line (the generated ``sogenactif/testing/__main__.py`` calls :func:`main`).

Run a simulator until Ctrl-C or SIGTERM (it prints one line with its base URL once it listens;
with ``--port 0`` the system picks the port: read it from that line)::

    python -m sogenactif.testing [serve] [--host 127.0.0.1] [--port 8080] [--db sim.sqlite]
                                 [--shop MERCHANT_ID:KEY_VERSION:SECRET_KEY] [-v]
                                 [--request-timeout 10] [--idle-timeout 60] [--max-connections 64]

Control a running one (``--url``, default ``$SOGENACTIF_SIMULATOR_URL`` or
``http://127.0.0.1:8080``), through its HTTP control interface::

    python -m sogenactif.testing advance-days [DAYS]   # run the remittances of the days passed
    python -m sogenactif.testing reset                 # forget every transaction, wallet, token
    python -m sogenactif.testing transactions [--merchant-id ID] [--limit N] [--json]
    python -m sogenactif.testing health

Exit status: 0 on success, 1 when the simulator cannot start or cannot be reached, 2 for a
command line that is wrong.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any

from . import DEFAULT_SHOP, Shop, Simulator
from ._control import SimulatorControl, SimulatorControlError
from ._server import IDLE_TIMEOUT, MAX_CONNECTIONS, REQUEST_TIMEOUT

DEFAULT_URL = "http://127.0.0.1:8080"
URL_VARIABLE = "SOGENACTIF_SIMULATOR_URL"
COMMANDS = ("serve", "advance-days", "reset", "transactions", "health")


def _shop(text: str) -> Shop:
    """``MERCHANT_ID:KEY_VERSION:SECRET_KEY`` (the key may contain colons)."""
    parts = text.split(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        raise argparse.ArgumentTypeError("a shop is MERCHANT_ID:KEY_VERSION:SECRET_KEY")
    return Shop(parts[0], parts[2], int(parts[1]))


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError("a positive number of seconds")
    return value


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError("a whole number, 1 or more")
    return int(text)


def _days(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError("a whole number of days, 0 or more")
    return int(text)


def main(
    simulator_class: type[Simulator],
    argv: list[str] | None = None,
    prog: str = "python -m sogenactif.testing",
) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args and args[0] in COMMANDS else "serve"
    if args and args[0] == command:
        args = args[1:]
    if command == "serve":
        return _serve(simulator_class, args, prog)
    return _control(command, args, prog)


# --------------------------------------------------------------------------- serve


def _serve(simulator_class: type[Simulator], argv: list[str], prog: str) -> int:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=(
            "A local Sogenactif Office Server simulator (REST/JSON and SOAP). Other commands: "
            "advance-days, reset, transactions, health (see `COMMAND --help`)."
        ),
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
    parser.add_argument(
        "--request-timeout",
        type=_positive,
        default=REQUEST_TIMEOUT,
        metavar="SECONDS",
        help=f"time a request has to arrive, 408 after it ({REQUEST_TIMEOUT:g})",
    )
    parser.add_argument(
        "--idle-timeout",
        type=_positive,
        default=IDLE_TIMEOUT,
        metavar="SECONDS",
        help=f"an idle keep-alive connection is closed after it ({IDLE_TIMEOUT:g})",
    )
    parser.add_argument(
        "--max-connections",
        type=_count,
        default=MAX_CONNECTIONS,
        metavar="N",
        help=f"connections served at once ({MAX_CONNECTIONS})",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(message)s",
    )
    shops = args.shop or [DEFAULT_SHOP]
    try:
        simulator = simulator_class(
            shops=shops,
            db=args.db,
            host=args.host,
            port=args.port,
            request_timeout=args.request_timeout,
            idle_timeout=args.idle_timeout,
            max_connections=args.max_connections,
        )
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


# --------------------------------------------------------------------------- control


def _control(command: str, argv: list[str], prog: str) -> int:
    parser = argparse.ArgumentParser(
        prog=f"{prog} {command}",
        description=_DESCRIPTIONS[command],
    )
    parser.add_argument(
        "--url",
        default=os.environ.get(URL_VARIABLE) or DEFAULT_URL,
        help=f"the simulator's base URL (${URL_VARIABLE}, else {DEFAULT_URL})",
    )
    parser.add_argument("--timeout", type=_positive, default=10.0, help="seconds (10)")
    if command == "advance-days":
        parser.add_argument("days", nargs="?", type=_days, default=1, help="days (1)")
    if command == "transactions":
        parser.add_argument("--merchant-id", help="one shop's transactions only")
        parser.add_argument("--limit", type=_days, help="the N most recent only")
    if command in ("transactions", "health"):
        parser.add_argument("--json", action="store_true", help="print the JSON answer")
    args = parser.parse_args(argv)
    control = SimulatorControl(args.url, timeout=args.timeout)
    try:
        _RUN[command](control, args)
    except SimulatorControlError as error:
        print(f"{prog} {command}: {error}", file=sys.stderr)
        return 1
    return 0


def _advance(control: SimulatorControl, args: argparse.Namespace) -> None:
    changed = control.advance_days(args.days)
    today = control.health()["today"]
    print(f"advanced {args.days} day(s): {changed} transaction(s) changed status; today is {today}")


def _reset(control: SimulatorControl, args: argparse.Namespace) -> None:
    control.reset()
    print(f"simulator at {control.base_url} reset: no transaction, the real day")


def _health(control: SimulatorControl, args: argparse.Namespace) -> None:
    health = control.health()
    if args.json:
        print(json.dumps(health, indent=2))
        return
    print(
        f"{health['status']}: {health['requests']} request(s) served, "
        f"{health['transactions']} transaction(s), today {health['today']} "
        f"(+{health['dayOffset']} day(s))"
    )


def _transactions(control: SimulatorControl, args: argparse.Namespace) -> None:
    found = control.transactions(args.merchant_id, limit=args.limit)
    if args.json:
        print(json.dumps(found, indent=2, ensure_ascii=False))
        return
    print(_table(found))


def _table(transactions: Sequence[dict[str, Any]]) -> str:
    if not transactions:
        return "no transaction"
    columns: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
        ("merchantId", lambda t: t["merchant_id"]),
        ("reference", lambda t: t["reference"]),
        ("status", lambda t: t["status"]),
        ("code", lambda t: t["response_code"]),
        ("amount", lambda t: t["origin_amount"]),
        ("current", lambda t: t["current_amount"]),
        ("refunded", lambda t: t["refunded_amount"]),
        ("currency", lambda t: t["currency_code"]),
        ("card", lambda t: t["card"]["maskedPan"]),
        ("last operation", lambda t: t["last_operation"]),
    ]
    rows = [[str(get(t)) for _, get in columns] for t in transactions]
    widths = [max(len(name), *(len(r[i]) for r in rows)) for i, (name, _) in enumerate(columns)]
    lines = ["  ".join(name.ljust(w) for (name, _), w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


_RUN: dict[str, Callable[[SimulatorControl, argparse.Namespace], None]] = {
    "advance-days": _advance,
    "reset": _reset,
    "transactions": _transactions,
    "health": _health,
}

_DESCRIPTIONS = {
    "advance-days": "Move a running simulator's clock on and run the remittances of the days "
    "passed (captures, credits, expiries).",
    "reset": "Forget every transaction, wallet, token and exchange of a running simulator; its "
    "clock goes back to the real day (shops stay).",
    "transactions": "List a running simulator's transactions, oldest first (card numbers masked).",
    "health": "Ask a running simulator whether it answers, and its clock.",
}
