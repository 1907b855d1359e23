"""Closed and open lists of values (spec: ``closed`` on enums).

A closed list (a primary Sogenactif page gives it whole) refuses any other value before sending.
An open list sends a value it does not know, as given, with one WARNING per (function, field,
value), so that a brand the platform adds works before the next release of this client; it still
refuses values the list says may only be returned, and values that break the field's format.
Responses are never refused for a value. The simulator agrees with the client.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import sogenactif
from generator.spec import load_spec
from sogenactif._dictionary import DICTIONARY
from sogenactif.seal import compute_seal
from sogenactif.testing import Simulator
from sogenactif_core import _wire
from sogenactif_core._metadata import FieldRule
from tests.support import FUTURE, MERCHANT_ID, SECRET_KEY, order, send

SPEC = load_spec(Path(__file__).resolve().parents[2] / "spec")
FUNCTIONS = DICTIONARY.functions()


def _rules() -> Iterator[tuple[str, FieldRule]]:
    def walk(where: str, rule: FieldRule) -> Iterator[tuple[str, FieldRule]]:
        yield where, rule
        for name, child in (rule.children or {}).items():
            yield from walk(f"{where}.{name}", child)
        if rule.item is not None:
            yield from walk(f"{where}[]", rule.item)

    for (service, function), fn in FUNCTIONS.items():
        for name, rule in fn.request_fields.items():
            yield from walk(f"{service}.{function}.{name}", rule)


def test_the_rules_carry_the_specs_closed_lists_and_returned_only_values() -> None:
    checked = 0
    for where, rule in _rules():
        if rule.enum_values is None:
            continue
        enum = SPEC.enums[rule.enum]
        assert rule.enum_closed is enum.closed, where
        assert rule.enum_returned_only == {v.value for v in enum.values if not v.request}, where
        assert rule.enum_values == {v.value for v in enum.values if v.request}, where
        checked += 1
    assert checked > 20


def test_the_closed_lists_are_those_a_primary_page_gives_whole() -> None:
    """docs/spec-review.md, section 2: these four, each with its reason."""
    closed = {name for name, enum in SPEC.enums.items() if enum.closed}
    assert closed == {"panType", "paymentMeanBrandSelectionStatus", "sealAlgorithm", "responseCode"}
    for enum in SPEC.enums.values():
        assert enum.reason, enum.name
        assert enum.note.startswith("Closed" if enum.closed else "Open"), enum.name


def _client() -> tuple[sogenactif.Client, sogenactif.MockTransport]:
    def answer(call: Any) -> dict[str, Any]:
        fields = {"responseCode": "00", "paymentMeanBrand": "NEWBRAND", "newField": "n"}
        return {**fields, "seal": compute_seal(fields, SECRET_KEY)}

    transport = sogenactif.MockTransport(answer)
    client = sogenactif.Client(merchant_id=MERCHANT_ID, secret_key=SECRET_KEY, transport=transport)
    return client, transport


@pytest.fixture(autouse=True)
def _fresh_warnings() -> Iterator[None]:
    saved = set(_wire._WARNED)
    _wire._WARNED.clear()
    yield
    _wire._WARNED.clear()
    _wire._WARNED.update(saved)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


@pytest.mark.parametrize("path", ["keywords", "model"])
def test_an_unknown_value_of_an_open_list_is_sent_with_one_warning(
    path: str, caplog: pytest.LogCaptureFixture
) -> None:
    client, transport = _client()
    caplog.set_level(logging.WARNING, logger="sogenactif")

    def call(brand: str) -> None:
        keywords = {"card_number": "4100000000000000", "payment_mean_brand": brand}
        if path == "keywords":
            client.token.payment_token_generate(**keywords)
        else:
            model = sogenactif.models.token.PaymentTokenGenerateRequest(**keywords)
            client.token.payment_token_generate(model)

    call("NEWBRAND")
    assert transport.calls[-1].fields["paymentMeanBrand"] == "NEWBRAND"
    (message,) = [m for m in _warnings(caplog) if "NEWBRAND" in m]
    assert message.startswith("token.paymentTokenGenerate: paymentMeanBrand: 'NEWBRAND' ")
    assert "open list" in message
    assert "4100000000000000" not in message and "0000" not in message
    call("NEWBRAND")  # once per (function, field, value)
    call("OTHERBRAND")
    assert len(transport.calls) == 3
    assert [m.split(":")[2].strip().split()[0] for m in _warnings(caplog) if "open list" in m] == [
        "'NEWBRAND'",
        "'OTHERBRAND'",
    ]


def test_unknown_values_deep_in_a_request_are_named_by_their_path(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fn = FUNCTIONS[("checkout", "cardOrder")]
    assert (
        fn.request_fields["authenticationData"].children["holderAuthentProgram"].enum_closed
        is False
    )  # type: ignore[index]
    client, transport = _client()
    caplog.set_level(logging.WARNING, logger="sogenactif")
    client.checkout.card_order(
        **order("DEEP", order_channel="SMART_SPEAKER"),
        authentication_data={"holderAuthentProgram": "NEW_PROGRAM"},
    )
    sent = transport.calls[-1].fields
    assert sent["orderChannel"] == "SMART_SPEAKER"
    assert sent["authenticationData"] == {"holderAuthentProgram": "NEW_PROGRAM"}
    warned = _warnings(caplog)
    assert any(m.startswith("checkout.cardOrder: orderChannel: 'SMART_SPEAKER' ") for m in warned)
    assert any(
        m.startswith("checkout.cardOrder: authenticationData.holderAuthentProgram: 'NEW_PROGRAM' ")
        for m in warned
    )


@pytest.mark.parametrize(
    ("keywords", "field", "reason"),
    [
        ({"pan_type": "QR_PAN"}, "panType", "not a value of panType (a closed list)"),
        ({"payment_mean_brand": "UNKNOWN"}, "paymentMeanBrand", "may only be returned"),
        ({"order_channel": "A" * 21}, "orderChannel", "at most 20"),
        ({"order_channel": "INTER\tNET"}, "orderChannel", ""),
    ],
)
def test_closed_lists_returned_only_values_and_formats_are_refused(
    keywords: dict[str, str], field: str, reason: str
) -> None:
    client, transport = _client()
    with pytest.raises(sogenactif.RequestValidationError) as info:
        client.checkout.card_order(**order("REFUSED", **keywords))
    assert [p for p, m in info.value.problems if reason in m] == [field]
    assert transport.calls == []


def test_a_response_value_no_list_knows_is_kept() -> None:
    """Even a closed list's (responseCode): responses are never refused for a value."""
    fields = {"responseCode": "77", "transactionStatus": "NEW_STATUS", "newField": "n"}
    transport = sogenactif.MockTransport(
        lambda call: {**fields, "seal": compute_seal(fields, SECRET_KEY)}
    )
    client = sogenactif.Client(merchant_id=MERCHANT_ID, secret_key=SECRET_KEY, transport=transport)
    response = client.diagnostic.get_transaction_data(transaction_reference="R")
    assert response.response_code == "77" and response.transaction_status == "NEW_STATUS"
    assert response.raw["transactionStatus"] == "NEW_STATUS"


def test_the_warning_masks_a_card_number_in_any_field(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="sogenactif")
    _wire.warn_unknown_values("x.y", [("cardNumber", "someList", "4100000000000000")])
    _wire.warn_unknown_values("x.y", [("note[2]", "someList", "4973019999912764")])
    text = "\n".join(_warnings(caplog))
    assert "4100000000000000" not in text and "4973019999912764" not in text
    assert "****0000" in text and "****2764" in text


# --------------------------------------------------------------------------- the simulator


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    with Simulator() as simulator:
        yield simulator


@pytest.mark.parametrize("protocol", ["rest", "soap"])
@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        ({"orderChannel": "SMART_SPEAKER"}, "00", None),
        ({"paymentPattern": "NEW_PATTERN"}, "00", None),
        ({"panType": "QR_PAN"}, "12", "panType"),
        ({"paymentMeanBrand": "UNKNOWN"}, "12", "paymentMeanBrand"),
        ({"orderChannel": "A" * 21}, "30", "orderChannel"),
    ],
)
def test_the_simulator_judges_values_as_the_client_does(
    sim: Simulator, protocol: str, extra: dict[str, str], code: str, field: str | None
) -> None:
    reference = f"L{abs(hash((protocol, tuple(extra.items())))) % 10**9}"
    fields = {
        "amount": "2500",
        "currencyCode": "978",
        "cardNumber": "4100000000000000",
        "cardExpiryDate": FUTURE,
        "transactionReference": reference,
        **extra,
    }
    response = send(sim, protocol, "checkout", "cardOrder", fields)
    assert response["responseCode"] == code, response
    assert response.get("errorFieldName") == field
