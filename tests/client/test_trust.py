"""Trust the platform only as far as it proves itself.

- An answer that reports success without a valid seal is never returned as a success (both
  protocols); refusals the platform cannot sign come back as what they are.
- A sealed answer about another transaction, shop or amount (a replay) is refused.
- No library frame in the traceback of any error, before sending, while sending or after the
  answer, holds a card number, CSC, token or the secret key in clear, as a value or inside a
  dict, list, tuple, set or bytes.
- Fuzzed public calls give a result or a RequestValidationError naming the field, nothing else.
"""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sogenactif
from tests.support import (
    CSC,
    FUNCTIONS,
    MERCHANT_ID,
    PAN,
    SECRET_KEY,
    SPACED_PAN,
    TOKEN,
    Connection,
    LocalServer,
    Recorded,
    Reply,
    assert_no_card_data_in_frames,
    json_reply,
    make_client,
    sealed,
    soap_reply,
)

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def pay(client: sogenactif.Client, **extra: Any) -> Any:
    keywords: dict[str, Any] = {
        "amount": 2500,
        "currency_code": "978",
        "card_number": PAN,
        "card_expiry_date": "203012",
        "card_csc_value": CSC,
        "transaction_reference": "TRUST1",
        **extra,
    }
    return client.checkout.card_order(**keywords)


def answer(protocol: str, fields: dict[str, Any]) -> Reply:
    if protocol == "rest":
        return json_reply(fields)
    return soap_reply("checkout", "cardOrder", fields)


APPROVAL = {
    "responseCode": "00",
    "transactionReference": "TRUST1",
    "amount": "2500",
    "currencyCode": "978",
    "authorisationId": "123456",
}


# --------------------------------------------------------------------------- unsigned answers


def test_an_unsigned_approval_is_never_a_success(server: LocalServer, protocol: str) -> None:
    server.reply = lambda req: answer(protocol, APPROVAL)
    with pytest.raises(sogenactif.UnsignedResponseError) as info:
        pay(make_client(server, protocol))
    assert info.value.may_have_reached_server is True
    assert "responseCode 00" in str(info.value) and "not trusted" in str(info.value)
    assert len(server.requests) == 1


@pytest.mark.parametrize("code", ["03", "34"])
def test_refusals_the_platform_cannot_sign_come_back_as_they_are(
    server: LocalServer, protocol: str, code: str
) -> None:
    server.reply = lambda req: answer(protocol, {"responseCode": code})
    response = pay(make_client(server, protocol))
    assert response.response_code == code and response.sealed is False


def test_require_response_seal_refuses_even_those(server: LocalServer, protocol: str) -> None:
    server.reply = lambda req: answer(protocol, {"responseCode": "03"})
    with pytest.raises(sogenactif.UnsignedResponseError, match="requires sealed"):
        pay(make_client(server, protocol, require_response_seal=True))


def test_the_test_platform_allowance(caplog: pytest.LogCaptureFixture) -> None:
    """Explicit, for environment="test" alone, with a warning; never production or a URL."""
    for environment in ("production", "http://127.0.0.1:9"):
        with pytest.raises(sogenactif.ConfigurationError, match="environment='test'"):
            sogenactif.Client(
                merchant_id=MERCHANT_ID,
                secret_key=SECRET_KEY,
                environment=environment,
                accept_unsigned_test_responses=True,
            )
    mock = sogenactif.MockTransport(lambda call: dict(APPROVAL))
    client = sogenactif.Client(
        merchant_id=MERCHANT_ID,
        secret_key=SECRET_KEY,
        environment="test",
        accept_unsigned_test_responses=True,
        transport=mock,
    )
    assert pay(client).response_code == "00"
    assert "accept_unsigned_test_responses" in caplog.text


# --------------------------------------------------------------------------- replays


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("transactionReference", "SOMEONE-ELSES"),
        ("amount", "1"),
        ("merchantId", "201040040170002"),
        ("currencyCode", "840"),
    ],
)
def test_a_sealed_answer_about_something_else_is_refused(
    server: LocalServer, protocol: str, field: str, value: str
) -> None:
    replayed = sealed({**APPROVAL, field: value}, SECRET_KEY)
    server.reply = lambda req: answer(protocol, replayed)
    with pytest.raises(sogenactif.EchoMismatchError) as info:
        pay(make_client(server, protocol))
    assert info.value.fields == [field]
    assert "not the answer to this request" in str(info.value)
    assert info.value.may_have_reached_server is True


def test_echoed_fields_that_agree_pass(server: LocalServer, protocol: str) -> None:
    """An amount echoed as a JSON number, an answer without the echo: both fine."""
    good = sealed({**APPROVAL, "amount": 2500}, SECRET_KEY) if protocol == "rest" else None
    server.reply = lambda req: answer(protocol, good or sealed(APPROVAL, SECRET_KEY))
    assert pay(make_client(server, protocol)).response_code == "00"
    server.reply = lambda req: answer(protocol, sealed({"responseCode": "05"}, SECRET_KEY))
    assert pay(make_client(server, protocol)).response_code == "05"


# --------------------------------------------------------------------------- frames


def _hang(conn: Connection) -> None:
    conn.stop.wait(5)


def _reset(conn: Connection) -> None:
    conn.reset()


def _fault(conn: Connection, sent: str) -> None:
    """A fault that echoes what was sent: the card number (whole, spaced) or the token, and the
    CSC, in the code, the string and the detail."""
    spaced = " ".join(sent[i : i + 4] for i in range(0, len(sent), 4))
    body = (
        f'<?xml version="1.0"?><s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><s:Fault>'
        f"<faultcode>s:Client.{sent}</faultcode><faultstring>cardNumber {spaced} with CSC "
        f"{CSC} refused ({sent})</faultstring><detail><e>{sent}/{CSC}</e></detail></s:Fault>"
        "</s:Body></s:Envelope>"
    ).encode()
    conn.reply(500, body, "text/xml")


def _garbage(conn: Connection) -> None:
    conn.reply(200, f"<<< {PAN} {TOKEN} >>>".encode(), "application/json")


def _status(conn: Connection) -> None:
    conn.reply(500, f"<html>{PAN}</html>".encode(), "text/html")


RAW_SCRIPTS = {
    "read timeout": (_hang, sogenactif.ReadTimeoutError),
    "connection reset": (_reset, sogenactif.RemoteProtocolError),
    "HTTP status": (_status, sogenactif.HTTPStatusError),
    "unreadable": (_garbage, sogenactif.ResponseDecodeError),
}


def _client_for(url: str, protocol: str, **options: Any) -> sogenactif.Client:
    return sogenactif.Client(
        merchant_id=MERCHANT_ID,
        secret_key=SECRET_KEY,
        environment=url,
        protocol=protocol,  # type: ignore[arg-type]
        timeout=(1.0, 0.5),
        **options,
    )


@pytest.mark.parametrize("case", list(RAW_SCRIPTS))
def test_no_card_data_in_frames_while_sending(raw_server: Any, protocol: str, case: str) -> None:
    script, error = RAW_SCRIPTS[case]
    server = raw_server(script)
    with pytest.raises(error) as info:
        pay(_client_for(server.base_url, protocol))
    assert_no_card_data_in_frames(info.value)


@pytest.mark.parametrize("card_number", [PAN, TOKEN], ids=["card number", "token"])
def test_no_card_data_in_frames_of_a_soap_fault_that_echoes_it(
    raw_server: Any, card_number: str, caplog: pytest.LogCaptureFixture
) -> None:
    server = raw_server(lambda conn: _fault(conn, card_number))
    with caplog.at_level("DEBUG", logger="sogenactif"):
        with pytest.raises(sogenactif.SoapFaultError) as info:
            pay(_client_for(server.base_url, "soap"), card_number=card_number)
    assert_no_card_data_in_frames(info.value)
    sent = [card_number, CSC]
    for text in (info.value.code, info.value.detail, str(info.value), caplog.text):
        assert not [s for s in sent if s in text], text
        assert SPACED_PAN not in text and PAN not in text
    if card_number == PAN:
        assert "****2764" in str(info.value)


def test_no_card_data_in_frames_when_nothing_can_connect(protocol: str) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with pytest.raises(sogenactif.ConnectError) as info:
        pay(_client_for(f"http://127.0.0.1:{port}", protocol))
    assert_no_card_data_in_frames(info.value)


def _token_answer(protocol: str, fields: dict[str, Any]) -> Any:
    def reply(req: Recorded) -> Reply:
        if protocol == "rest":
            return json_reply(fields)
        return soap_reply("token", "paymentTokenGenerate", fields)

    return reply


AFTER_THE_ANSWER = {
    "seal mismatch": ({"responseCode": "00", "paymentToken": TOKEN, "seal": "0" * 64}, "mismatch"),
    "unsigned success": ({"responseCode": "00", "paymentToken": TOKEN}, "unsigned"),
    "wrong key": (None, "refused"),
}


@pytest.mark.parametrize("case", list(AFTER_THE_ANSWER))
def test_no_card_data_in_frames_after_the_answer(
    server: LocalServer, protocol: str, case: str
) -> None:
    fields, kind = AFTER_THE_ANSWER[case]
    if fields is None:  # the platform's 34, sealed with the real key; the client has another
        fields = sealed({"responseCode": "34"}, "the-platforms-key")
    server.reply = _token_answer(protocol, fields)
    with pytest.raises(sogenactif.ResponseError) as info:
        make_client(server, protocol).token.payment_token_generate(
            card_number=PAN, card_expiry_date="203012", card_csc_value=CSC
        )
    expected = {
        "mismatch": sogenactif.SealMismatchError,
        "unsigned": sogenactif.UnsignedResponseError,
        "refused": sogenactif.SealRefusedError,
    }[kind]
    assert type(info.value) is expected
    assert_no_card_data_in_frames(info.value)
    raw = info.value.raw
    assert raw is not None and raw["responseCode"] in ("00", "34")  # still there for the caller


@pytest.mark.parametrize(
    "keywords",
    [
        pytest.param({"amount": "12a"}, id="another field is wrong"),
        pytest.param({"card_number": PAN + "€"}, id="the card number is wrong"),
        pytest.param({"card_csc_value": 937}, id="a CSC of the wrong type"),
        pytest.param({"card_numbr": PAN}, id="a misspelt keyword"),
        pytest.param({"shopping_cart_detail": {1: "x"}}, id="a container key that is no name"),
        pytest.param({"customer_contact": {"email": "a@b.c", "x": "1"}}, id="an unknown member"),
    ],
)
def test_no_card_data_in_frames_before_sending(keywords: dict[str, Any]) -> None:
    client = sogenactif.Client(
        merchant_id=MERCHANT_ID,
        secret_key=SECRET_KEY,
        transport=sogenactif.MockTransport(lambda call: pytest.fail("sent")),
    )
    with pytest.raises(sogenactif.RequestValidationError) as info:
        pay(client, **keywords)
    assert_no_card_data_in_frames(info.value)


def test_no_key_in_the_frames_of_a_bad_configuration() -> None:
    with pytest.raises(sogenactif.ConfigurationError) as info:
        sogenactif.Client(merchant_id="not-an-id", secret_key=SECRET_KEY)
    assert_no_card_data_in_frames(info.value)


# --------------------------------------------------------------------------- fuzzing

odd_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        st.text(max_size=30),
        st.binary(max_size=10),
        st.just(PAN),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.one_of(st.text(max_size=8), st.integers(), st.none()), inner, max_size=3
        ),
        st.tuples(inner, inner),
    ),
    max_leaves=8,
)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(FUNCTIONS), st.data())
def test_fuzzed_public_calls_give_a_result_or_a_named_refusal(
    function: tuple[str, str, Any], data: st.DataObject
) -> None:
    attr, method, fn = function
    keywords = sorted(fn.keywords)
    chosen = data.draw(st.lists(st.sampled_from(keywords), max_size=4, unique=True))
    arguments = {name: data.draw(odd_values) for name in chosen}

    def handler(call: sogenactif.WireCall) -> dict[str, Any]:
        return sealed({"responseCode": "00"}, SECRET_KEY)

    client = sogenactif.Client(
        merchant_id=MERCHANT_ID,
        secret_key=SECRET_KEY,
        transport=sogenactif.MockTransport(handler),
    )
    try:
        getattr(getattr(client, attr), method)(**arguments)
    except sogenactif.RequestValidationError as exc:
        assert exc.fields and all(isinstance(f, str) and f for f in exc.fields)
        assert PAN not in str(exc)


def test_wire_call_fields_are_given_in_clear_to_mock_handlers() -> None:
    seen: list[dict[str, Any]] = []

    def handler(call: sogenactif.WireCall) -> dict[str, Any]:
        seen.append(call.fields)
        assert PAN not in repr(call)
        return sealed({**APPROVAL}, SECRET_KEY)

    client = sogenactif.Client(
        merchant_id=MERCHANT_ID, secret_key=SECRET_KEY, transport=sogenactif.MockTransport(handler)
    )
    pay(client)
    assert seen[0]["cardNumber"] == PAN and seen[0]["cardCSCValue"] == CSC
    assert json.dumps(seen[0])  # plain values, as sent
