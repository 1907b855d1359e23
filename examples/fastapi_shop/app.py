"""A small FastAPI shop that takes card payments through the Sogenactif Office Server.

    POST /payments                    {"amount": 2500, "card_number": "…",
                                       "card_expiry_date": "YYYYMM", "card_csc_value": "123"}
    POST /payments/{reference}/refund {"amount": 2500}
    GET  /payments/{reference}

Amounts are in cents of euro. How to run it: README.md beside this file.

The endpoints are ``async def`` and await ``sogenactif.AsyncClient`` (``pip install
'sogenactif[async]'``): one client for the application, created in ``make_client`` and closed
by the lifespan, pooled, reaching the endpoints through the ``Platform`` dependency.
``SOGENACTIF_PROTOCOL`` chooses REST (default) or SOAP: the same code either way.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

import sogenactif

log = logging.getLogger("fastapi_shop")  # never give it a card number: log references and codes
EURO = "978"
# The public test shop of the Office Server JSON guide, which the simulator also knows.
TEST_SHOP_ID, TEST_SHOP_KEY = "201040040170001", "rxSP61eeP_oNi5TxCD7Ngy9YcwC8MLw6OlmFGGcsY54"


def make_client() -> sogenactif.AsyncClient:
    """The shop's one client, configured from the environment."""
    return sogenactif.AsyncClient(
        merchant_id=os.environ.get("SOGENACTIF_MERCHANT_ID", TEST_SHOP_ID),
        secret_key=os.environ.get("SOGENACTIF_SECRET_KEY", TEST_SHOP_KEY),
        key_version=int(os.environ.get("SOGENACTIF_KEY_VERSION", "1")),
        # "production", "test" or a URL; default: `python -m sogenactif.testing` on this machine
        environment=os.environ.get("SOGENACTIF_ENVIRONMENT", "http://127.0.0.1:8080"),
        protocol="soap" if os.environ.get("SOGENACTIF_PROTOCOL") == "soap" else "rest",
        # An answer without a seal (UnsignedResponseError) is never taken for an approval.
        require_response_seal=True,
    )


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with make_client() as client:
        app.state.sogenactif = client
        yield


app = FastAPI(title="Sogenactif shop example", lifespan=lifespan)


def get_client(request: Request) -> sogenactif.AsyncClient:
    return request.app.state.sogenactif


Platform = Annotated[sogenactif.AsyncClient, Depends(get_client)]


class Payment(BaseModel):
    amount: int
    card_number: str
    card_expiry_date: str
    card_csc_value: str | None = None


class Refund(BaseModel):
    amount: int


def answer(status: int, **body: Any) -> JSONResponse:
    return JSONResponse(body, status_code=status)


def refused(resp: Any, reference: str, status: int) -> JSONResponse:
    log.info("%s refused: responseCode %s", reference, resp.response_code)
    return answer(status, result="refused", reference=reference, response_code=resp.response_code)


def failed(exc: sogenactif.SogenactifError, reference: str) -> JSONResponse:
    """What a merchant does with each kind of error (messages never hold card data or keys)."""
    if isinstance(exc, sogenactif.RequestValidationError):  # nothing was sent
        return answer(400, result="invalid", error="invalid request", fields=exc.fields)
    if isinstance(exc, sogenactif.SealMismatchError) or exc.may_have_reached_server:
        # The operation may have been performed: never send it again blindly.
        log.error("%s: status unknown (%s)", reference, exc)
        return answer(
            502,
            result="unknown",
            reference=reference,
            error=f"status unknown: look it up (GET /payments/{reference}) before retrying",
        )
    log.warning("%s: not sent (%s)", reference, exc)
    return answer(503, result="not sent", error="payment platform unreachable, nothing was sent")


@app.exception_handler(RequestValidationError)
async def invalid_body(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A body that does not fit Payment or Refund: 400 naming the fields, never echoing values."""
    fields = [str(error["loc"][-1]) for error in exc.errors()]
    return answer(400, result="invalid", error="invalid request", fields=fields)


@app.post("/payments", status_code=201)
async def pay(payment: Payment, client: Platform) -> Any:
    reference = uuid.uuid4().hex  # transactionReference (AN35): keep it with the order
    try:
        resp = await client.checkout.card_order(
            transaction_reference=reference,
            amount=payment.amount,
            currency_code=EURO,
            card_number=payment.card_number,
            card_expiry_date=payment.card_expiry_date,
            card_csc_value=payment.card_csc_value,
            capture_mode="AUTHOR_CAPTURE",  # captured by the platform at the end of the day
            capture_day=0,
            order_channel="INTERNET",
        )
    except sogenactif.SogenactifError as exc:
        return failed(exc, reference)
    if resp.response_code != "00":
        return refused(resp, reference, 402)
    log.info("%s paid: %s cents", reference, payment.amount)
    return {
        "result": "accepted",
        "reference": reference,
        "response_code": resp.response_code,
        "masked_pan": resp.masked_pan,
        "authorisation_id": resp.authorisation_id,
    }


@app.post("/payments/{reference}/refund")
async def refund(reference: str, body: Refund, client: Platform) -> Any:
    # A real shop lets only its staff (authenticated) refund.
    try:
        resp = await client.cash_management.refund(
            transaction_reference=reference, operation_amount=body.amount, currency_code=EURO
        )
    except sogenactif.SogenactifError as exc:
        return failed(exc, reference)
    if resp.response_code != "00":  # e.g. 24: not captured yet, or more than is left
        return refused(resp, reference, 409)
    log.info("%s refunded: %s cents", reference, body.amount)
    return {
        "result": "refunded",
        "reference": reference,
        "response_code": resp.response_code,
        "transaction_status": resp.new_status,
        "new_amount": resp.new_amount,
    }


@app.get("/payments/{reference}")
async def look_up(reference: str, client: Platform) -> Any:
    try:
        resp = await client.diagnostic.get_transaction_data(transaction_reference=reference)
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
    }


if __name__ == "__main__":
    import uvicorn

    logging.basicConfig(level=logging.INFO)
    uvicorn.run(app, port=8000)
