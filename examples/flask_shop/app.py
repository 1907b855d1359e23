"""A small Flask shop that takes card payments through the Sogenactif Office Server.

    POST /payments                    {"amount": 2500, "card_number": "…",
                                       "card_expiry_date": "YYYYMM", "card_csc_value": "123"}
    POST /payments/<reference>/refund {"amount": 2500}
    GET  /payments/<reference>

Amounts are in cents of euro. How to run it: README.md beside this file.
"""

from __future__ import annotations

import logging
import os
import uuid
from typing import Any

from flask import Blueprint, Flask, current_app, request

import sogenactif

log = logging.getLogger("flask_shop")  # never give it a card number: log references and codes
EURO = "978"
# The public test shop of the Office Server JSON guide, which the simulator also knows.
TEST_SHOP_ID, TEST_SHOP_KEY = "201040040170001", "rxSP61eeP_oNi5TxCD7Ngy9YcwC8MLw6OlmFGGcsY54"

Reply = tuple[dict[str, Any], int]


def make_client() -> sogenactif.Client:
    """The shop's one client (thread-safe), configured from the environment."""
    return sogenactif.Client(
        merchant_id=os.environ.get("SOGENACTIF_MERCHANT_ID", TEST_SHOP_ID),
        secret_key=os.environ.get("SOGENACTIF_SECRET_KEY", TEST_SHOP_KEY),
        key_version=int(os.environ.get("SOGENACTIF_KEY_VERSION", "1")),
        # "production", "test" or a URL; default: `python -m sogenactif.testing` on this machine
        environment=os.environ.get("SOGENACTIF_ENVIRONMENT", "http://127.0.0.1:8080"),
        # An answer without a seal (UnsignedResponseError) is never taken for an approval.
        require_response_seal=True,
    )


def client() -> sogenactif.Client:
    return current_app.extensions["sogenactif"]


def refused(resp: Any, reference: str, status: int) -> Reply:
    log.info("%s refused: responseCode %s", reference, resp.response_code)
    body = {"result": "refused", "reference": reference, "response_code": resp.response_code}
    return body, status


def failed(exc: sogenactif.SogenactifError, reference: str) -> Reply:
    """What a merchant does with each kind of error (messages never hold card data or keys)."""
    if isinstance(exc, sogenactif.RequestValidationError):  # nothing was sent
        return {"result": "invalid", "error": "invalid request", "fields": exc.fields}, 400
    if isinstance(exc, sogenactif.SealMismatchError) or exc.may_have_reached_server:
        # The operation may have been performed: never send it again blindly.
        log.error("%s: status unknown (%s)", reference, exc)
        return {
            "result": "unknown",
            "reference": reference,
            "error": f"status unknown: look it up (GET /payments/{reference}) before retrying",
        }, 502
    log.warning("%s: not sent (%s)", reference, exc)
    return {"result": "not sent", "error": "payment platform unreachable, nothing was sent"}, 503


def missing(data: dict[str, Any], *fields: str) -> Reply | None:
    absent = [name for name in fields if name not in data]
    if absent:
        return {"result": "invalid", "error": "invalid request", "fields": absent}, 400
    return None


shop = Blueprint("shop", __name__)


@shop.post("/payments")
def pay() -> Reply:
    data = request.get_json(silent=True) or {}
    if problem := missing(data, "amount", "card_number", "card_expiry_date"):
        return problem
    reference = uuid.uuid4().hex  # transactionReference (AN35): keep it with the order
    try:
        resp = client().checkout.card_order(
            transaction_reference=reference,
            amount=data["amount"],
            currency_code=EURO,
            card_number=data["card_number"],
            card_expiry_date=data["card_expiry_date"],
            card_csc_value=data.get("card_csc_value"),
            capture_mode="AUTHOR_CAPTURE",  # captured by the platform at the end of the day
            capture_day=0,
            order_channel="INTERNET",
        )
    except sogenactif.SogenactifError as exc:
        return failed(exc, reference)
    if resp.response_code != "00":
        return refused(resp, reference, 402)
    log.info("%s paid: %s cents", reference, data["amount"])
    return {
        "result": "accepted",
        "reference": reference,
        "response_code": resp.response_code,
        "masked_pan": resp.masked_pan,
        "authorisation_id": resp.authorisation_id,
    }, 201


@shop.post("/payments/<reference>/refund")
def refund(reference: str) -> Reply:
    # A real shop lets only its staff (authenticated) refund.
    data = request.get_json(silent=True) or {}
    if problem := missing(data, "amount"):
        return problem
    try:
        resp = client().cash_management.refund(
            transaction_reference=reference, operation_amount=data["amount"], currency_code=EURO
        )
    except sogenactif.SogenactifError as exc:
        return failed(exc, reference)
    if resp.response_code != "00":  # e.g. 24: not captured yet, or more than is left
        return refused(resp, reference, 409)
    log.info("%s refunded: %s cents", reference, data["amount"])
    return {
        "result": "refunded",
        "reference": reference,
        "response_code": resp.response_code,
        "transaction_status": resp.new_status,
        "new_amount": resp.new_amount,
    }, 200


@shop.get("/payments/<reference>")
def look_up(reference: str) -> Reply:
    try:
        resp = client().diagnostic.get_transaction_data(transaction_reference=reference)
    except sogenactif.SogenactifError as exc:
        return failed(exc, reference)
    if resp.response_code != "00":  # 25: unknown transaction
        return refused(resp, reference, 404 if resp.response_code == "25" else 409)
    return {
        "reference": reference,
        "response_code": resp.response_code,
        "transaction_status": resp.transaction_status,
        "origin_amount": resp.origin_amount,
        "current_amount": resp.current_amount,
        "remaining_amount": resp.remaining_amount,
        "masked_pan": resp.masked_pan,
    }, 200


def create_app() -> Flask:
    app = Flask(__name__)
    app.extensions["sogenactif"] = make_client()
    app.register_blueprint(shop)
    return app


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    create_app().run(port=5000)
