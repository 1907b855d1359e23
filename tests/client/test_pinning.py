"""A client pinned to an older interface version (``Client(interface_version=...)``), as stripe
pins its API version: it declares that version, refuses by name what is newer, and the platform
(here the simulator) answers as that version."""

from __future__ import annotations

from typing import Any

import pytest

import sogenactif
from sogenactif._dictionary import DICTIONARY
from sogenactif.testing import Simulator
from tests.support import MERCHANT_ID, SECRET_KEY, sealed

VERSIONS = sogenactif.INTERFACE_VERSIONS


def _mock_client(version: str | None, sent: list[dict[str, Any]]) -> sogenactif.Client:
    def handler(call: sogenactif.WireCall) -> dict[str, Any]:
        sent.append(call.fields)
        return sealed({"responseCode": "00"}, SECRET_KEY)

    return sogenactif.Client(
        merchant_id=MERCHANT_ID,
        secret_key=SECRET_KEY,
        interface_version=version,
        transport=sogenactif.MockTransport(handler),
    )


def test_the_versions_are_known_and_the_default_is_the_latest() -> None:
    assert list(VERSIONS) == sorted(VERSIONS, key=lambda v: tuple(map(int, v.split("."))))
    assert VERSIONS[-1] == sogenactif.INTERFACE_VERSION == DICTIONARY.interface_version
    sent: list[dict[str, Any]] = []
    _mock_client(None, sent).diagnostic.get_transaction_data(transaction_reference="D1")
    assert sent[0]["interfaceVersion"] == "DR_WS_" + sogenactif.INTERFACE_VERSION
    with pytest.raises(sogenactif.ConfigurationError) as info:
        sogenactif.Client(merchant_id=MERCHANT_ID, secret_key=SECRET_KEY, interface_version="9.9")
    assert all(v in str(info.value) for v in VERSIONS)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_known_version_is_declared_as_pinned(version: str) -> None:
    sent: list[dict[str, Any]] = []
    _mock_client(version, sent).cash_management.cancel(
        transaction_reference="C1", operation_amount=100, currency_code="978"
    )
    assert sent[0]["interfaceVersion"] == "CR_WS_" + version


def _newer_fields() -> list[tuple[str, str, str, str]]:
    """(service attribute, method, keyword, since) of every request field newer than the
    oldest version, from the generated dictionary."""
    from generator.views import snake

    found = []
    for fn in DICTIONARY.functions().values():
        for keyword, wire in fn.keywords.items():
            rule = fn.request_fields.get(wire)
            if rule is not None and rule.since_key > tuple(map(int, VERSIONS[0].split("."))):
                attribute = DICTIONARY.services[fn.service].attribute
                found.append((attribute, snake(fn.name), keyword, rule.since))
    return found


def test_fields_newer_than_the_pin_are_refused_by_name() -> None:
    newer = _newer_fields()
    assert newer, "the spec dates no request field after its oldest version"
    for attribute, method, keyword, since in newer:
        older = [
            v for v in VERSIONS if tuple(map(int, v.split("."))) < tuple(map(int, since.split(".")))
        ]
        client = _mock_client(older[-1], [])
        with pytest.raises(sogenactif.RequestValidationError) as info:
            getattr(getattr(client, attribute), method)(**{keyword: "PAN"})
        message = str(info.value)
        assert f"introduced in interface version {since}" in message
        assert f"pinned to {older[-1]}" in message
        # The latest client sends it (or refuses it only for its value, never for its version).
        try:
            getattr(getattr(_mock_client(None, []), attribute), method)(**{keyword: "PAN"})
        except sogenactif.RequestValidationError as exc:
            assert "introduced in interface version" not in str(exc)


def test_envelope_fields_newer_than_the_pin_are_refused() -> None:
    client = sogenactif.Client(
        merchant_id=MERCHANT_ID,
        secret_key=SECRET_KEY,
        interface_version="2.0",
        intermediate_service_provider_id="123",
        transport=sogenactif.MockTransport(lambda call: pytest.fail("sent")),
    )
    with pytest.raises(sogenactif.RequestValidationError) as info:
        client.diagnostic.get_transaction_data(transaction_reference="E1")
    assert info.value.fields == ["intermediateServiceProviderId"]
    assert "introduced in interface version 2.12" in str(info.value)


@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_a_pinned_client_against_the_simulator(protocol: str) -> None:
    """The simulator answers as the pinned version: a refund's errorFieldName (2.21 on its page)
    is left out of the answer to a client pinned to an older version."""
    refund = DICTIONARY.functions()[("cashManagement", "refund")]
    since = refund.response_since["errorFieldName"]
    older = [
        v for v in VERSIONS if tuple(map(int, v.split("."))) < tuple(map(int, since.split(".")))
    ]
    with Simulator() as sim:
        latest = sim.client(protocol, timeout=10)  # type: ignore[arg-type]
        pinned = sim.client(protocol, timeout=10, interface_version=older[-1])  # type: ignore[arg-type]
        for client in (latest, pinned):
            paid = client.checkout.card_order(
                amount=1000,
                currency_code="978",
                card_number="4100000000000000",
                card_expiry_date="203012",
                transaction_reference=f"PIN{client.interface_version.replace('.', '')}",
            )
            assert paid.response_code == "00" and paid.sealed
        sim.advance_days(1)
        answers = {}
        for client in (latest, pinned):
            # A currency other than the payment's: refused 12, naming the field from 2.21 on.
            answers[client.interface_version] = client.cash_management.refund(
                transaction_reference=f"PIN{client.interface_version.replace('.', '')}",
                operation_amount=100,
                currency_code="840",
            )
    assert answers[sogenactif.INTERFACE_VERSION].response_code == "12"
    assert answers[sogenactif.INTERFACE_VERSION].error_field_name == "currencyCode"
    old = answers[older[-1]]
    assert old.response_code == "12" and old.error_field_name is None and old.sealed
