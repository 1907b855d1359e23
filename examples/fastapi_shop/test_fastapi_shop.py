"""The FastAPI shop against the Office Server simulator: pay, capture, refund, look up, errors."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from app import app
from fastapi.testclient import TestClient

from sogenactif.testing import Simulator

CARD = "4100000000000000"  # simulator test card: VISA (410000…), accepted (…00)
REFUSED_CARD = "4100000000000005"  # …05: refused
EXPIRY = f"{date.today().year + 2}12"


def payment(card: Any = CARD, **changes: Any) -> dict[str, Any]:
    return {
        "amount": 2500,
        "card_number": card,
        "card_expiry_date": EXPIRY,
        "card_csc_value": "123",
    } | changes


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator() as simulator:
        yield simulator


@pytest.fixture(params=["rest", "soap"])
def env(sim: Simulator, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """The shop's settings, pointing at the simulator, over each protocol."""
    monkeypatch.setenv("SOGENACTIF_PROTOCOL", request.param)
    monkeypatch.setenv("SOGENACTIF_ENVIRONMENT", sim.base_url)
    monkeypatch.setenv("SOGENACTIF_MERCHANT_ID", sim.merchant_id)
    monkeypatch.setenv("SOGENACTIF_SECRET_KEY", sim.secret_key)
    monkeypatch.setenv("SOGENACTIF_KEY_VERSION", str(sim.key_version))


def test_pay_capture_refund_look_up(
    env: None, sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with TestClient(app) as shop:  # `with`: runs the lifespan, which creates the client
        paid = shop.post("/payments", json=payment())
        assert paid.status_code == 201, paid.json()
        assert paid.json()["response_code"] == "00"
        reference = paid.json()["reference"]
        assert paid.json()["masked_pan"] != CARD

        looked = shop.get(f"/payments/{reference}").json()
        assert (looked["response_code"], looked["transaction_status"]) == ("00", "TO_CAPTURE")

        too_early = shop.post(f"/payments/{reference}/refund", json={"amount": 2500})
        assert (too_early.status_code, too_early.json()["response_code"]) == (409, "24")

        assert sim.advance_days(1) == 1  # the end-of-day remittance captures the payment
        assert shop.get(f"/payments/{reference}").json()["transaction_status"] == "CAPTURED"

        refunded = shop.post(f"/payments/{reference}/refund", json={"amount": 2500})
        assert refunded.status_code == 200, refunded.json()
        assert refunded.json()["response_code"] == "00"
        assert refunded.json()["transaction_status"] == "CREDITED"

        looked_again = shop.get(f"/payments/{reference}")
        assert looked_again.status_code == 200
        assert looked_again.json()["response_code"] == "00"
        assert looked_again.json()["transaction_status"] == "CREDITED"
        assert looked_again.json()["origin_amount"] == 2500
        assert looked_again.json()["remaining_amount"] == 0

    assert reference in caplog.text  # the shop logged the payment and the refund …
    assert CARD not in caplog.text  # … and nobody logged the card number


def test_refused_card(env: None) -> None:
    with TestClient(app) as shop:
        resp = shop.post("/payments", json=payment(REFUSED_CARD))
    assert resp.status_code == 402
    assert (resp.json()["result"], resp.json()["response_code"]) == ("refused", "05")


def test_invalid_request_names_the_field(env: None) -> None:
    with TestClient(app) as shop:
        resp = shop.post("/payments", json=payment(card_expiry_date="12/2030"))
        assert (resp.status_code, resp.json()["fields"]) == (400, ["cardExpiryDate"])
        resp = shop.post("/payments", json={"amount": 2500})
        assert (resp.status_code, resp.json()["fields"]) == (
            400,
            ["card_number", "card_expiry_date"],
        )
        resp = shop.post("/payments", json=payment(int(CARD)))  # a number, not a string
        assert (resp.status_code, resp.json()["fields"]) == (400, ["card_number"])
        assert CARD not in resp.text  # FastAPI's own 422 would have echoed it
        resp = shop.get("/payments/not-a-reference!")
        assert (resp.status_code, resp.json()["fields"]) == (400, ["transactionReference"])


@pytest.mark.parametrize(
    ("setting", "wrong"),
    [
        ("SOGENACTIF_SECRET_KEY", "not-the-shop-key"),  # the answer's seal does not match
        ("SOGENACTIF_KEY_VERSION", "2"),  # the platform cannot seal its answer (unsigned 34)
    ],
)
def test_unverifiable_answer_means_status_unknown(
    env: None, monkeypatch: pytest.MonkeyPatch, setting: str, wrong: str
) -> None:
    with monkeypatch.context() as misconfigured:
        misconfigured.setenv(setting, wrong)
        with TestClient(app) as shop:
            resp = shop.post("/payments", json=payment())
    assert (resp.status_code, resp.json()["result"]) == (502, "unknown")
    assert "look it up" in resp.json()["error"]
    # What the merchant does next: look the transaction up, with the right settings. Here the
    # platform had refused the request (34): there is no such transaction.
    with TestClient(app) as shop:
        found = shop.get(f"/payments/{resp.json()['reference']}")
    assert (found.status_code, found.json()["response_code"]) == (404, "25")


def test_unreachable_platform_nothing_sent(env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))  # a port on which nobody listens
        monkeypatch.setenv("SOGENACTIF_ENVIRONMENT", f"http://127.0.0.1:{unused.getsockname()[1]}")
        with TestClient(app) as shop:
            resp = shop.post("/payments", json=payment())
    assert (resp.status_code, resp.json()["result"]) == (503, "not sent")
