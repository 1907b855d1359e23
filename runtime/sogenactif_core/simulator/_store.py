"""The simulator's state in SQLite: transactions and their operations, wallets, tokens, the clock.

One connection per store (``check_same_thread=False``) guarded by a lock: a request's reads and
writes run in one SQLite transaction (``BEGIN IMMEDIATE``), so concurrent requests are
serialised and a transactionReference can never be taken twice. A file database is opened in WAL
mode and survives restarts; ``":memory:"`` (the default) lives as long as the store.
Test card numbers are kept in clear: this database is for test data only.

A request costs the same whatever the number of stored transactions: every look-up a request
makes goes through an index, and the remittances (:meth:`Store.settle`, run before each request)
cost nothing until a day when something falls due. The store keeps the earliest capture or
validation limit date of the transactions still waiting (:attr:`Store.earliest_due`, lowered by
every insert or update that sets a sooner one): while the simulated day is not past it, ``settle``
runs no SQL at all; when it is, the due transactions are found by an index range scan on
``(status, date)``, so the work is proportional to what is due, not to what is stored.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

SCHEMA_VERSION = "1"

# Status waiting for a remittance -> (status after it, the date column that says when, operation).
# A transaction is due when its date is before the simulated day.
DUE: dict[str, tuple[str, str, str]] = {
    "TO_CAPTURE": ("CAPTURED", "capture_date", "remittance"),
    "TO_CREDIT": ("CREDITED", "capture_date", "remittance"),
    "TO_VALIDATE": ("EXPIRED", "capture_limit_date", "expiry"),
}
# What earliest_due holds when no transaction waits: after every ISO date.
NOTHING_DUE = "9999-12-31"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS transactions (
    id INTEGER PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    reference TEXT NOT NULL,
    origin TEXT NOT NULL,
    status TEXT NOT NULL,
    response_code TEXT NOT NULL,
    currency_code TEXT NOT NULL,
    origin_amount INTEGER NOT NULL,
    current_amount INTEGER NOT NULL,
    refunded_amount INTEGER NOT NULL DEFAULT 0,
    capture_mode TEXT NOT NULL,
    capture_day INTEGER NOT NULL,
    capture_date TEXT,
    capture_limit_date TEXT,
    created_at TEXT NOT NULL,
    last_operation TEXT NOT NULL,
    last_operation_at TEXT NOT NULL,
    card TEXT NOT NULL,
    details TEXT NOT NULL,
    UNIQUE (merchant_id, reference)
);
DROP INDEX IF EXISTS transactions_status;
CREATE INDEX IF NOT EXISTS transactions_capture ON transactions (status, capture_date);
CREATE INDEX IF NOT EXISTS transactions_limit ON transactions (status, capture_limit_date);
CREATE TABLE IF NOT EXISTS operations (
    id INTEGER PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    reference TEXT NOT NULL,
    name TEXT NOT NULL,
    amount INTEGER,
    response_code TEXT NOT NULL,
    status TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS operations_transaction ON operations (merchant_id, reference);
CREATE TABLE IF NOT EXISTS wallets (
    merchant_id TEXT NOT NULL,
    wallet_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_action_at TEXT NOT NULL,
    PRIMARY KEY (merchant_id, wallet_id)
);
CREATE TABLE IF NOT EXISTS payment_means (
    merchant_id TEXT NOT NULL,
    wallet_id TEXT NOT NULL,
    payment_mean_id INTEGER NOT NULL,
    pan TEXT NOT NULL,
    expiry TEXT NOT NULL,
    brand TEXT NOT NULL,
    alias TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (merchant_id, wallet_id, payment_mean_id)
);
CREATE TABLE IF NOT EXISTS pending (
    token TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    reference TEXT NOT NULL,
    fields TEXT NOT NULL,
    card TEXT NOT NULL,
    details TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pending_transaction ON pending (merchant_id, reference);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    pan TEXT NOT NULL,
    expiry TEXT NOT NULL,
    brand TEXT NOT NULL,
    details TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_pan ON tokens (kind, merchant_id, pan);
"""

# Every table a reset empties (the clock goes back to the real day too).
_STATE_TABLES = ("transactions", "operations", "wallets", "payment_means", "pending", "tokens")


@dataclass(frozen=True)
class Card:
    """The card a transaction was paid with (test numbers only)."""

    pan: str
    expiry: str
    brand: str


@dataclass
class Transaction:
    """One transaction as the platform keeps it."""

    merchant_id: str
    reference: str
    origin: str  # the function that created it: cardOrder, walletOrder, duplicate …
    status: str
    response_code: str
    currency_code: str
    origin_amount: int
    current_amount: int
    capture_mode: str
    capture_day: int
    created_at: str
    card: Card
    refunded_amount: int = 0
    capture_date: str | None = None  # the day whose remittance captures it (YYYY-MM-DD)
    capture_limit_date: str | None = None  # last day to validate it (YYYY-MM-DD)
    last_operation: str = ""
    last_operation_at: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Operation:
    name: str
    amount: int | None
    response_code: str
    status: str
    at: str


@dataclass
class PaymentMean:
    wallet_id: str
    payment_mean_id: int
    card: Card
    alias: str
    created_at: str


@dataclass(frozen=True)
class Pending:
    """A payment waiting for its second step (3-D Secure authentication, payment provider)."""

    token: str  # the redirectionData handed out
    kind: str  # "3ds" or "provider"
    merchant_id: str
    reference: str
    fields: dict[str, Any]  # the first request's fields
    card: Card
    details: dict[str, Any]
    created_at: str


@dataclass(frozen=True)
class Token:
    token: str
    kind: str  # "payment" (paymentTokenGenerate) or "pan" (panToToken …)
    merchant_id: str
    card: Card
    details: dict[str, Any]
    created_at: str


class Store:
    """The simulator's SQLite database."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=30.0
        )
        self._conn.row_factory = sqlite3.Row
        # The earliest date of a transaction waiting for a remittance; None: not known yet.
        self.earliest_due: str | None = None
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        with self.atomic():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._conn.execute(statement)
            self._conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,)
            )
            self._conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('day_offset', '0')")

    # ------------------------------------------------------------------ plumbing

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """One SQLite transaction, exclusive among this store's threads (re-entrant)."""
        with self._lock:
            if self._conn.in_transaction:
                yield
                return
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                # What was rolled back may have moved the earliest due date: look again.
                self.earliest_due = None
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _one(self, sql: str, args: tuple[Any, ...]) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._conn.execute(sql, args).fetchone()
        return row

    # ------------------------------------------------------------------ clock

    def day_offset(self) -> int:
        with self._lock:
            row = self._one("SELECT value FROM meta WHERE key = 'day_offset'", ())
        return int(row["value"]) if row is not None else 0

    def add_days(self, days: int) -> int:
        with self.atomic():
            offset = self.day_offset() + days
            self._conn.execute("UPDATE meta SET value = ? WHERE key = 'day_offset'", (str(offset),))
        return offset

    def settle(self, today: date, at: str) -> int:
        """The remittances of every day before ``today``: captures and credits fall due, the
        transactions left unvalidated past their limit expire. Returns how many changed.

        Runs no SQL while ``today`` is not past :attr:`earliest_due`; otherwise reads only the
        due transactions (an index range scan per status), then finds the next earliest date."""
        day = today.isoformat()
        changed = 0
        with self._lock:
            known = self.earliest_due
            if known is not None and day <= known:
                return 0  # the usual case: not even a BEGIN
        with self.atomic():
            if self.earliest_due is None:
                self.earliest_due = self._earliest_due()
            if day <= self.earliest_due:
                return 0
            for old, (new, column, operation) in DUE.items():
                # Constant names only: no request value reaches the SQL text.
                where = f"WHERE status = ? AND {column} < ?"
                copy = (
                    "INSERT INTO operations (merchant_id, reference, name, amount, response_code,"  # noqa: S608
                    " status, at) SELECT merchant_id, reference, ?, current_amount, '00', ?, ?"
                    f" FROM transactions {where} ORDER BY {column}, id"
                )
                self._conn.execute(copy, (operation, new, at, old, day))
                cursor = self._conn.execute(
                    f"UPDATE transactions SET status = ?, last_operation_at = ? {where}",  # noqa: S608
                    (new, at, old, day),
                )
                changed += cursor.rowcount
            self.earliest_due = self._earliest_due()
        return changed

    def _earliest_due(self) -> str:
        """The earliest date of a transaction waiting for a remittance (an index look-up per
        status), or NOTHING_DUE."""
        earliest = NOTHING_DUE
        for status, (_new, column, _operation) in DUE.items():
            row = self._one(
                f"SELECT MIN({column}) FROM transactions WHERE status = ?",  # noqa: S608
                (status,),
            )
            if row is not None and row[0] is not None and str(row[0]) < earliest:
                earliest = str(row[0])
        return earliest

    def _may_fall_due(self, t: Transaction) -> None:
        """Lower :attr:`earliest_due` when ``t`` waits for a remittance from an earlier date."""
        due = DUE.get(t.status)
        if due is None or self.earliest_due is None:
            return
        when = t.capture_date if due[1] == "capture_date" else t.capture_limit_date
        if when is not None and when < self.earliest_due:
            self.earliest_due = when

    def reset(self) -> None:
        """Forget every transaction, operation, wallet, pending payment and token; the clock
        goes back to the real day. Shops are not the store's: they stay."""
        with self.atomic():
            for table in _STATE_TABLES:
                self._conn.execute(f"DELETE FROM {table}")  # noqa: S608 - constant names
            self._conn.execute("UPDATE meta SET value = '0' WHERE key = 'day_offset'")
            self.earliest_due = NOTHING_DUE

    # ------------------------------------------------------------------ transactions

    def insert_transaction(self, t: Transaction) -> bool:
        """Store a new transaction; False when its reference is already taken (nothing stored)."""
        try:
            self._conn.execute(
                "INSERT INTO transactions (merchant_id, reference, origin, status, response_code,"
                " currency_code, origin_amount, current_amount, refunded_amount, capture_mode,"
                " capture_day, capture_date, capture_limit_date, created_at, last_operation,"
                " last_operation_at, card, details) VALUES"
                " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    t.merchant_id,
                    t.reference,
                    t.origin,
                    t.status,
                    t.response_code,
                    t.currency_code,
                    t.origin_amount,
                    t.current_amount,
                    t.refunded_amount,
                    t.capture_mode,
                    t.capture_day,
                    t.capture_date,
                    t.capture_limit_date,
                    t.created_at,
                    t.last_operation or t.origin,
                    t.last_operation_at or t.created_at,
                    json.dumps(asdict(t.card)),
                    json.dumps(t.details, sort_keys=True),
                ),
            )
        except sqlite3.IntegrityError:
            return False
        self._may_fall_due(t)
        self.add_operation(
            t.merchant_id,
            t.reference,
            t.origin,
            t.origin_amount,
            t.response_code,
            t.status,
            t.created_at,
        )
        return True

    def reference_taken(self, merchant_id: str, reference: str) -> bool:
        row = self._one(
            "SELECT 1 FROM transactions WHERE merchant_id = ? AND reference = ?",
            (merchant_id, reference),
        )
        return row is not None

    def transaction(self, merchant_id: str, reference: str) -> Transaction | None:
        row = self._one(
            "SELECT * FROM transactions WHERE merchant_id = ? AND reference = ?",
            (merchant_id, reference),
        )
        return None if row is None else _transaction(row)

    def transactions(
        self, merchant_id: str | None = None, limit: int | None = None
    ) -> list[Transaction]:
        """Every transaction (of one shop, or of all), oldest first; with ``limit``, the
        ``limit`` most recent ones (still oldest first)."""
        where, args = ("", ()) if merchant_id is None else ("WHERE merchant_id = ?", (merchant_id,))
        if limit is None:
            sql = f"SELECT * FROM transactions {where} ORDER BY id"  # noqa: S608 - constant
            rows = self._conn.execute(sql, args).fetchall()
        else:
            sql = f"SELECT * FROM transactions {where} ORDER BY id DESC LIMIT ?"  # noqa: S608
            rows = self._conn.execute(sql, (*args, max(limit, 0))).fetchall()
            rows.reverse()
        return [_transaction(r) for r in rows]

    def update_transaction(self, t: Transaction) -> None:
        self._conn.execute(
            "UPDATE transactions SET status = ?, current_amount = ?, refunded_amount = ?,"
            " capture_date = ?, capture_limit_date = ?, last_operation = ?,"
            " last_operation_at = ?, details = ? WHERE merchant_id = ? AND reference = ?",
            (
                t.status,
                t.current_amount,
                t.refunded_amount,
                t.capture_date,
                t.capture_limit_date,
                t.last_operation,
                t.last_operation_at,
                json.dumps(t.details, sort_keys=True),
                t.merchant_id,
                t.reference,
            ),
        )
        self._may_fall_due(t)

    def add_operation(
        self,
        merchant_id: str,
        reference: str,
        name: str,
        amount: int | None,
        response_code: str,
        status: str,
        at: str,
    ) -> None:
        self._conn.execute(
            "INSERT INTO operations (merchant_id, reference, name, amount, response_code, status,"
            " at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (merchant_id, reference, name, amount, response_code, status, at),
        )

    def operations(self, merchant_id: str, reference: str) -> list[Operation]:
        rows = self._conn.execute(
            "SELECT name, amount, response_code, status, at FROM operations"
            " WHERE merchant_id = ? AND reference = ? ORDER BY id",
            (merchant_id, reference),
        ).fetchall()
        return [
            Operation(r["name"], r["amount"], r["response_code"], r["status"], r["at"])
            for r in rows
        ]

    def count_transactions(self) -> int:
        row = self._one("SELECT COUNT(*) AS n FROM transactions", ())
        return int(row["n"]) if row is not None else 0

    # ------------------------------------------------------------------ wallets

    def wallet(self, merchant_id: str, wallet_id: str) -> dict[str, str] | None:
        row = self._one(
            "SELECT created_at, last_action_at FROM wallets WHERE merchant_id = ? AND wallet_id = ?",
            (merchant_id, wallet_id),
        )
        return None if row is None else {"created_at": row[0], "last_action_at": row[1]}

    def ensure_wallet(self, merchant_id: str, wallet_id: str, at: str) -> None:
        self._conn.execute(
            "INSERT INTO wallets (merchant_id, wallet_id, created_at, last_action_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (merchant_id, wallet_id)"
            " DO UPDATE SET last_action_at = excluded.last_action_at",
            (merchant_id, wallet_id, at, at),
        )

    def delete_wallet(self, merchant_id: str, wallet_id: str) -> None:
        self._conn.execute(
            "DELETE FROM payment_means WHERE merchant_id = ? AND wallet_id = ?",
            (merchant_id, wallet_id),
        )
        self._conn.execute(
            "DELETE FROM wallets WHERE merchant_id = ? AND wallet_id = ?", (merchant_id, wallet_id)
        )

    def payment_means(self, merchant_id: str, wallet_id: str) -> list[PaymentMean]:
        rows = self._conn.execute(
            "SELECT * FROM payment_means WHERE merchant_id = ? AND wallet_id = ?"
            " ORDER BY payment_mean_id",
            (merchant_id, wallet_id),
        ).fetchall()
        return [_payment_mean(r) for r in rows]

    def payment_mean(
        self, merchant_id: str, wallet_id: str, mean_id: str | int
    ) -> PaymentMean | None:
        if isinstance(mean_id, str):
            if not mean_id.isdigit():
                return None
            mean_id = int(mean_id)
        row = self._one(
            "SELECT * FROM payment_means WHERE merchant_id = ? AND wallet_id = ?"
            " AND payment_mean_id = ?",
            (merchant_id, wallet_id, mean_id),
        )
        return None if row is None else _payment_mean(row)

    def add_payment_mean(
        self, merchant_id: str, wallet_id: str, card: Card, alias: str, at: str
    ) -> PaymentMean:
        row = self._one(
            "SELECT COALESCE(MAX(payment_mean_id), 0) + 1 FROM payment_means"
            " WHERE merchant_id = ? AND wallet_id = ?",
            (merchant_id, wallet_id),
        )
        mean_id = int(row[0]) if row is not None else 1
        self._conn.execute(
            "INSERT INTO payment_means (merchant_id, wallet_id, payment_mean_id, pan, expiry,"
            " brand, alias, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (merchant_id, wallet_id, mean_id, card.pan, card.expiry, card.brand, alias, at),
        )
        return PaymentMean(wallet_id, mean_id, card, alias, at)

    def update_payment_mean(self, merchant_id: str, mean: PaymentMean) -> None:
        self._conn.execute(
            "UPDATE payment_means SET expiry = ?, brand = ?, alias = ?"
            " WHERE merchant_id = ? AND wallet_id = ? AND payment_mean_id = ?",
            (
                mean.card.expiry,
                mean.card.brand,
                mean.alias,
                merchant_id,
                mean.wallet_id,
                mean.payment_mean_id,
            ),
        )

    def delete_payment_mean(self, merchant_id: str, wallet_id: str, mean_id: int) -> None:
        self._conn.execute(
            "DELETE FROM payment_means WHERE merchant_id = ? AND wallet_id = ?"
            " AND payment_mean_id = ?",
            (merchant_id, wallet_id, mean_id),
        )

    # ------------------------------------------------------------------ pending payments

    def add_pending(self, pending: Pending) -> None:
        self._conn.execute(
            "DELETE FROM pending WHERE merchant_id = ? AND reference = ?",
            (pending.merchant_id, pending.reference),
        )
        self._conn.execute(
            "INSERT INTO pending (token, kind, merchant_id, reference, fields, card, details,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                pending.token,
                pending.kind,
                pending.merchant_id,
                pending.reference,
                json.dumps(pending.fields),
                json.dumps(asdict(pending.card)),
                json.dumps(pending.details, sort_keys=True),
                pending.created_at,
            ),
        )

    def pending(self, token: str) -> Pending | None:
        row = self._one("SELECT * FROM pending WHERE token = ?", (token,))
        if row is None:
            return None
        card = json.loads(row["card"])
        return Pending(
            row["token"],
            row["kind"],
            row["merchant_id"],
            row["reference"],
            json.loads(row["fields"]),
            Card(card["pan"], card["expiry"], card["brand"]),
            json.loads(row["details"]),
            row["created_at"],
        )

    def delete_pending(self, token: str) -> None:
        self._conn.execute("DELETE FROM pending WHERE token = ?", (token,))

    # ------------------------------------------------------------------ tokens

    def add_token(self, token: Token) -> None:
        self._conn.execute(
            "INSERT INTO tokens (token, kind, merchant_id, pan, expiry, brand, details, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                token.token,
                token.kind,
                token.merchant_id,
                token.card.pan,
                token.card.expiry,
                token.card.brand,
                json.dumps(token.details, sort_keys=True),
                token.created_at,
            ),
        )

    def token(self, token: str, kind: str) -> Token | None:
        row = self._one("SELECT * FROM tokens WHERE token = ? AND kind = ?", (token, kind))
        if row is None:
            return None
        return Token(
            row["token"],
            row["kind"],
            row["merchant_id"],
            Card(row["pan"], row["expiry"], row["brand"]),
            json.loads(row["details"]),
            row["created_at"],
        )

    def pan_token(self, merchant_id: str, pan: str) -> Token | None:
        """The token already given to this shop for this PAN (a PAN has one token per shop)."""
        row = self._one(
            "SELECT token FROM tokens WHERE kind = 'pan' AND merchant_id = ? AND pan = ?",
            (merchant_id, pan),
        )
        return None if row is None else self.token(str(row[0]), "pan")


def _transaction(row: sqlite3.Row) -> Transaction:
    card = json.loads(row["card"])
    return Transaction(
        merchant_id=row["merchant_id"],
        reference=row["reference"],
        origin=row["origin"],
        status=row["status"],
        response_code=row["response_code"],
        currency_code=row["currency_code"],
        origin_amount=row["origin_amount"],
        current_amount=row["current_amount"],
        refunded_amount=row["refunded_amount"],
        capture_mode=row["capture_mode"],
        capture_day=row["capture_day"],
        capture_date=row["capture_date"],
        capture_limit_date=row["capture_limit_date"],
        created_at=row["created_at"],
        last_operation=row["last_operation"],
        last_operation_at=row["last_operation_at"],
        card=Card(card["pan"], card["expiry"], card["brand"]),
        details=json.loads(row["details"]),
    )


def _payment_mean(row: sqlite3.Row) -> PaymentMean:
    return PaymentMean(
        row["wallet_id"],
        row["payment_mean_id"],
        Card(row["pan"], row["expiry"], row["brand"]),
        row["alias"],
        row["created_at"],
    )


def day_after(day: date, days: int) -> str:
    return (day + timedelta(days=days)).isoformat()
