"""The shop's views: pay, refund and look up through one Sogenactif client.

    POST /payments                    {"amount": 2500, "card_number": "…",
                                       "card_expiry_date": "YYYYMM", "card_csc_value": "123"}
    POST /payments/<reference>/refund {"amount": 2500}
    GET  /payments/<reference>

Amounts are in cents of euro.
"""

from __future__ import annotations

import json
import logging
import uuid
from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET, require_POST

import sogenactif

log = logging.getLogger("django_shop")  # never give it a card number: log references and codes
EURO = "978"


@cache
def client() -> sogenactif.Client:
    """The shop's one client (thread-safe), made from the SOGENACTIF_* settings on first use."""
    return sogenactif.Client(
        merchant_id=settings.SOGENACTIF_MERCHANT_ID,
        secret_key=settings.SOGENACTIF_SECRET_KEY,
        key_version=settings.SOGENACTIF_KEY_VERSION,
        environment=settings.SOGENACTIF_ENVIRONMENT,
        # An answer without a seal (UnsignedResponseError) is never taken for an approval.
        require_response_seal=True,
    )


@receiver(setting_changed)
def settings_changed(setting: str, **kwargs: Any) -> None:
    if setting.startswith("SOGENACTIF_"):  # override_settings in tests: make a new client
        client.cache_clear()


def refused(resp: Any, reference: str, status: int) -> JsonResponse:
    log.info("%s refused: responseCode %s", reference, resp.response_code)
    body = {"result": "refused", "reference": reference, "response_code": resp.response_code}
    return JsonResponse(body, status=status)


def failed(exc: sogenactif.SogenactifError, reference: str) -> JsonResponse:
    """What a merchant does with each kind of error (messages never hold card data or keys)."""
    if isinstance(exc, sogenactif.RequestValidationError):  # nothing was sent
        return invalid(exc.fields)
    if isinstance(exc, sogenactif.SealMismatchError) or exc.may_have_reached_server:
        # The operation may have been performed: never send it again blindly.
        log.error("%s: status unknown (%s)", reference, exc)
        body = {
            "result": "unknown",
            "reference": reference,
            "error": f"status unknown: look it up (GET /payments/{reference}) before retrying",
        }
        return JsonResponse(body, status=502)
    log.warning("%s: not sent (%s)", reference, exc)
    body = {"result": "not sent", "error": "payment platform unreachable, nothing was sent"}
    return JsonResponse(body, status=503)


def invalid(fields: list[str]) -> JsonResponse:
    body = {"result": "invalid", "error": "invalid request", "fields": fields}
    return JsonResponse(body, status=400)


def json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@require_POST
def pay(request: HttpRequest) -> JsonResponse:
    data = json_body(request)
    if absent := [k for k in ("amount", "card_number", "card_expiry_date") if k not in data]:
        return invalid(absent)
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
    body = {
        "result": "accepted",
        "reference": reference,
        "response_code": resp.response_code,
        "masked_pan": resp.masked_pan,
        "authorisation_id": resp.authorisation_id,
    }
    return JsonResponse(body, status=201)


@require_POST
def refund(request: HttpRequest, reference: str) -> JsonResponse:
    # A real shop lets only its staff (authenticated) refund.
    data = json_body(request)
    if "amount" not in data:
        return invalid(["amount"])
    try:
        resp = client().cash_management.refund(
            transaction_reference=reference, operation_amount=data["amount"], currency_code=EURO
        )
    except sogenactif.SogenactifError as exc:
        return failed(exc, reference)
    if resp.response_code != "00":  # e.g. 24: not captured yet, or more than is left
        return refused(resp, reference, 409)
    log.info("%s refunded: %s cents", reference, data["amount"])
    body = {
        "result": "refunded",
        "reference": reference,
        "response_code": resp.response_code,
        "transaction_status": resp.new_status,
        "new_amount": resp.new_amount,
    }
    return JsonResponse(body)


@require_GET
def look_up(request: HttpRequest, reference: str) -> JsonResponse:
    try:
        resp = client().diagnostic.get_transaction_data(transaction_reference=reference)
    except sogenactif.SogenactifError as exc:
        return failed(exc, reference)
    if resp.response_code != "00":  # 25: unknown transaction
        return refused(resp, reference, 404 if resp.response_code == "25" else 409)
    body = {
        "reference": reference,
        "response_code": resp.response_code,
        "transaction_status": resp.transaction_status,
        "origin_amount": resp.origin_amount,
        "current_amount": resp.current_amount,
        "remaining_amount": resp.remaining_amount,
        "masked_pan": resp.masked_pan,
    }
    return JsonResponse(body)
