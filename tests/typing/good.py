"""Correct calls: mypy --strict and pyright must find nothing here (tests/generator/test_typing.py)."""

from __future__ import annotations

from typing import cast

import sogenactif
from sogenactif.enums import CaptureMode, PaymentMeanBrand
from sogenactif.models.checkout import CardOrderRequest, CardOrderResponse
from sogenactif.models.common import ShoppingCartDetail, ShoppingCartItem
from sogenactif.models.token import PaymentTokenGenerateResponse

client = sogenactif.Client(merchant_id="201040040170001", secret_key="k", protocol="soap")
token: PaymentTokenGenerateResponse = client.token.payment_token_generate(
    card_number="4100000000000000", payment_mean_brand="VISA"
)
code: str | None = token.response_code
sealed: bool = token.sealed
paid: CardOrderResponse = client.checkout.card_order(
    amount=2500,
    currency_code="978",
    capture_mode="AUTHOR_CAPTURE",
    payment_mean_brand=PaymentMeanBrand.MASTERCARD,
)
client.checkout.card_order(amount=100, currency_code="978", capture_mode=CaptureMode.VALIDATION)
client.checkout.card_order(CardOrderRequest(amount=100, currency_code="978"))
cart = ShoppingCartDetail(shopping_cart_item_list=[ShoppingCartItem(product_code="P1")])
client.checkout.card_order(amount=100, currency_code="978", shopping_cart_detail=cart)
# A value newer than the package: allowed with a cast (the client warns when the list is open).
client.checkout.card_order(
    amount=100, currency_code="978", capture_mode=cast(CaptureMode, "A_NEWER_MODE")
)
pinned = sogenactif.Client(merchant_id="201040040170001", secret_key="k", interface_version="2.53")
versions: tuple[str, ...] = sogenactif.INTERFACE_VERSIONS


async def shop() -> None:
    async with sogenactif.AsyncClient(merchant_id="201040040170001", secret_key="k") as aclient:
        response: CardOrderResponse = await aclient.checkout.card_order(
            amount=2500, currency_code="978"
        )
        reference: str | None = response.transaction_reference
        del reference
