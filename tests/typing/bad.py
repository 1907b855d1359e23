"""Deliberate mistakes: each line whose comment starts with "error" must be reported by mypy
--strict and by pyright, and nothing else (tests/generator/test_typing.py)."""

from __future__ import annotations

import sogenactif
from sogenactif.models import checkout, common
from sogenactif.models.checkout import CardOrderRequest
from sogenactif.models.token import PaymentTokenGenerateRequest

client = sogenactif.Client(merchant_id="201040040170001", secret_key="k")
client.checkout.card_order(card_number="4100000000000000")  # error: amount, currency_code missing
client.checkout.card_order(amount=2500)  # error: currency_code missing
client.checkout.card_order(amount=2500, currency_code="978", capture_mode="NOT_A_MODE")  # error
client.checkout.card_order(amount=2500, currency_code="978", payment_mean_brand="VISSA")  # error
client.checkout.card_order(amount="2500", currency_code="978")  # error: an amount is an int
client.token.payment_token_generate(card_numbr="4100000000000000")  # error: misspelt
client.token.payment_token_generate(card_number=4100000000000000)  # error: not text
client.token.payment_token_generate(PaymentTokenGenerateRequest(), card_number="41")  # error
client.checkout.card_order(PaymentTokenGenerateRequest())  # error: another function's model
x: int = client.token.payment_token_generate().response_code  # error: str | None
CardOrderRequest(amount=100)  # error: currency_code missing
CardOrderRequest(amount=100, currency_code="978", capture_mode="NOT_A_MODE")  # error
checkout.CardOrderRequst()  # error: misspelt (the models are names loaded on first use)
common.Adress()  # error: no such container


async def shop() -> None:
    async with sogenactif.AsyncClient(merchant_id="201040040170001", secret_key="k") as aclient:
        response = aclient.checkout.card_order(amount=2500, currency_code="978")
        response.response_code  # noqa: B018  # error: not awaited
