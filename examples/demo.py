#!/usr/bin/env python3
"""The demo: a payment's whole life on the built-in Office Server simulator, over REST then SOAP.

    python3 dev.py demo          # checks generated/ is up to date, then runs this file

For each protocol, with the same client code: a token for the card (token.paymentTokenGenerate),
a card payment to validate (checkout.cardOrder), a look at it (diagnostic.getTransactionData), its
validation (cashManagement.validate), the end of the simulated day (the remittance captures it), a
partial refund (cashManagement.refund) and a last look. Every response is sealed and its seal
verified by the client. Prints one table; exits 1 if any step does not give what it should.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import sogenactif
except ImportError:  # run from a clone without dev.py: use the committed generated/ package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "generated"))
    import sogenactif

from sogenactif.enums import ResponseCode
from sogenactif.services.checkout import CARD_ORDER
from sogenactif.testing import Simulator

CARD = "4100000000000000"  # test card: VISA (410000…), accepted (…00)
EXPIRY = "203012"
AMOUNT, REFUND = 2500, 1000


@dataclass
class Row:
    protocol: str
    step: str
    function: str
    code: str
    details: str
    ok: bool


def meaning(code: str) -> str:
    try:
        return f"{code} {ResponseCode(code).name.lower().replace('_', ' ')}"
    except ValueError:
        return code or "-"


def euros(value: Any) -> str:
    return "-" if value is None else f"{int(value) / 100:.2f} EUR"


def life(sim: Simulator, protocol: str, rows: list[Row]) -> None:
    client = sim.client(protocol, timeout=10, require_response_seal=True)  # type: ignore[arg-type]
    reference = f"DEMO{protocol.upper()}"

    def step(
        name: str,
        function: str,
        call: Callable[[], Any],
        expect: dict[str, Any],
        details: Callable[[Any], str],
    ) -> Any:
        try:
            resp = call()
        except sogenactif.SogenactifError as exc:
            rows.append(Row(protocol, name, function, "-", f"{type(exc).__name__}: {exc}", False))
            return None
        got = {k: getattr(resp, k, None) for k in expect}
        ok = got == expect and resp.sealed
        text = details(resp)
        if not ok:
            text += f"  (expected {expect}, got {got})"
        rows.append(Row(protocol, name, function, meaning(resp.response_code or ""), text, ok))
        return resp

    token = step(
        "token",
        "token.paymentTokenGenerate",
        lambda: client.token.payment_token_generate(
            card_number=CARD, card_expiry_date=EXPIRY, card_csc_value="123"
        ),
        {"response_code": "00"},
        lambda r: f"paymentToken {str(r.payment_token)[:16]}…",
    )
    pays_by_token = "paymentToken" in CARD_ORDER.request_fields  # not in today's dictionary
    card = (
        {"payment_token": token.payment_token}
        if pays_by_token and token is not None
        else {"card_number": CARD, "card_expiry_date": EXPIRY, "card_csc_value": "123"}
    )
    step(
        "pay",
        "checkout.cardOrder",
        lambda: client.checkout.card_order(
            amount=AMOUNT,
            currency_code="978",
            capture_mode="VALIDATION",
            capture_day=5,
            order_channel="INTERNET",
            transaction_reference=reference,
            **card,
        ),
        {"response_code": "00", "transaction_reference": reference},
        lambda r: (
            f"{reference} {euros(AMOUNT)} {r.payment_mean_brand} {r.masked_pan} "
            f"authorisation {r.authorisation_id}"
        ),
    )

    def look(name: str, expect: dict[str, Any]) -> None:
        step(
            name,
            "diagnostic.getTransactionData",
            lambda: client.diagnostic.get_transaction_data(transaction_reference=reference),
            {"response_code": "00", **expect},
            lambda r: (
                f"{r.transaction_status}: origin {euros(r.raw.get('originAmount'))}, "
                f"current {euros(r.raw.get('currentAmount'))}"
                + (
                    f", remaining {euros(r.raw['remainingAmount'])}"
                    if "remainingAmount" in r.raw
                    else ""
                )
            ),
        )

    look("look", {"transaction_status": "TO_VALIDATE"})
    step(
        "validate",
        "cashManagement.validate",
        lambda: client.cash_management.validate(
            operation_amount=AMOUNT, currency_code="978", transaction_reference=reference
        ),
        {"response_code": "00", "new_status": "TO_CAPTURE"},
        lambda r: f"{r.new_status} {euros(r.raw.get('newAmount'))}",
    )
    captured = sim.advance_days(1)
    rows.append(
        Row(
            protocol,
            "next day",
            "(simulator remittance)",
            "-",
            f"{captured} transaction captured",
            captured == 1,
        )
    )
    step(
        "refund",
        "cashManagement.refund",
        lambda: client.cash_management.refund(
            operation_amount=REFUND, currency_code="978", transaction_reference=reference
        ),
        {"response_code": "00", "new_status": "CAPTURED"},
        lambda r: f"{euros(REFUND)} refunded, {euros(r.raw.get('newAmount'))} left",
    )
    look("look again", {"transaction_status": "CAPTURED"})
    client.close()


def table(rows: list[Row]) -> str:
    header = ("#", "protocol", "step", "function", "responseCode", "what happened")
    lines = [
        (
            str(i),
            r.protocol.upper(),
            r.step,
            r.function,
            r.code,
            r.details + ("" if r.ok else "  <-- UNEXPECTED"),
        )
        for i, r in enumerate(rows, 1)
    ]
    widths = [max(len(x[c]) for x in [header, *lines]) for c in range(len(header) - 1)]

    def fmt(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=False)) + "  " + cells[-1]

    rule = "  ".join("-" * w for w in widths) + "  " + "-" * 13
    return "\n".join([fmt(header), rule, *map(fmt, lines)])


def main() -> int:
    missing = [
        name for name in ("cash_management", "diagnostic") if not hasattr(sogenactif.Client, name)
    ]
    if missing:
        print(f"the generated client has no {', '.join(missing)} service yet: see spec/services/")
        return 1
    rows: list[Row] = []
    with Simulator() as sim:
        print(
            f"Office Server simulator on {sim.base_url}, shop {sim.merchant_id} (key version "
            f"{sim.key_version}), interface version {sogenactif.INTERFACE_VERSION}\n"
        )
        for protocol in ("rest", "soap"):
            life(sim, protocol, rows)
        served = sim.requests_served
        stored = {t.reference: t.status for t in sim.transactions()}
    print(table(rows))
    bad = [r for r in rows if not r.ok]
    print(
        f"\n{len(rows)} steps, {served} requests, every response sealed and its seal verified; "
        f"transactions: {', '.join(f'{k} {v}' for k, v in stored.items())}."
    )
    if bad:
        print(f"{len(bad)} step(s) did not go as expected.", file=sys.stderr)
        return 1
    print("Everything happened as expected, over REST and SOAP alike.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
