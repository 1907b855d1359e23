"""Requests the Sogenactif pages call valid are sent and answered, over both protocols
(issue 13): a token as cardNumber (N19, or ANS128 when the card number is a token), a card
without an expiry date (an empty cardExpiryDate), Bancontact Mobile (BCMCMOBILE), a value of an
open list newer than the package (sent, with a warning)."""

from __future__ import annotations

from typing import Any, cast

import pytest

import sogenactif
from sogenactif.testing import Simulator


@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_a_token_as_card_number(sim: Simulator, protocol: str) -> None:
    client = sim.client(protocol)  # type: ignore[arg-type]
    tokens = client.token.pan_to_token(
        pan_data_list=[{"pan": "4100000000000000", "panId": "1", "cardExpiryDate": "203012"}]
    )
    assert tokens.response_code == "00"
    token_pan = tokens.raw["responseTokenPanDataList"][0]["tokenPan"]
    assert token_pan != "4100000000000000"
    answer = client.token.payment_token_generate(card_number=token_pan, card_expiry_date="203012")
    assert answer.response_code == "00" and answer.sealed and answer.payment_token
    unknown = client.token.payment_token_generate(
        card_number="not-a-token", card_expiry_date="203012"
    )
    assert unknown.response_code == "14"  # a token the platform does not know: not a format error


@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_a_card_without_an_expiry_date(sim: Simulator, protocol: str) -> None:
    client = sim.client(protocol)  # type: ignore[arg-type]
    added = client.wallet.add_card(
        merchant_wallet_id=f"W{protocol}", card_number="4100000000000000", card_expiry_date=""
    )
    assert added.wallet_response_code == "00" and added.sealed
    token = client.token.payment_token_generate(card_number="4100000000000000", card_expiry_date="")
    assert token.response_code == "00"


@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_bancontact_mobile(sim: Simulator, protocol: str) -> None:
    client = sim.client(protocol)  # type: ignore[arg-type]
    answer = client.checkout.payment_provider_initialize(
        amount=100,
        currency_code="978",
        payment_mean_brand="BCMCMOBILE",
        merchant_return_url="https://shop.example/back",
        transaction_reference=f"BCMC{protocol}",
    )
    assert (answer.response_code, answer.redirection_status_code) == ("00", "00")


@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_a_value_newer_than_the_package_in_an_open_list(
    sim: Simulator, protocol: str, caplog: pytest.LogCaptureFixture
) -> None:
    """paymentMeanBrand grows with each release: a brand this package does not know is sent."""
    client = sim.client(protocol)  # type: ignore[arg-type]
    newer = cast(Any, f"NEWPAY{protocol.upper()}")  # (each value is warned once per process)
    answer = client.token.payment_token_generate(
        card_number="4100000000000000", card_expiry_date="203012", payment_mean_brand=newer
    )
    assert answer.sealed and answer.response_code in ("00", "12")  # the platform decides
    assert f"NEWPAY{protocol.upper()}" in caplog.text and "paymentMeanBrand" in caplog.text
    with pytest.raises(sogenactif.RequestValidationError):  # a closed list still refuses
        client.token.payment_token_generate(
            card_number="4100000000000000",
            payment_mean_brand_selection_status=cast(Any, "NOT_A_STATUS"),
        )
