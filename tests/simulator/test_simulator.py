"""sogenactif.testing: the simulator's protocols, seals, dictionary checks, CLI, fixture, file state.

Most tests use the real generated client over both protocols; requests the client would refuse
to send (missing fields, bad seals, other interface versions) are built here, sealed by hand and
posted as JSON or as a SOAP envelope.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import requests

import sogenactif
from sogenactif._dictionary import DICTIONARY
from sogenactif.seal import verify_seal
from sogenactif.testing import Shop, Simulator
from sogenactif.testing.pytest_plugin import sogenactif_client, sogenactif_simulator
from sogenactif_core import _rest
from tests.support import (
    CARD_ORDER,
    FUTURE,
    PACKAGE_PATH,
    SOAP11,
    envelope,
    order,
    post,
    replaced,
    run_pytest_project,
    sealed,
    send,
    soap_body,
)

ROOT = Path(__file__).resolve().parents[2]
PROTOCOLS = ("rest", "soap")

__all__ = ["sogenactif_client", "sogenactif_simulator"]  # the plugin's fixtures, used below


# --------------------------------------------------------------------------- helpers


@pytest.fixture(params=PROTOCOLS)
def protocol(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def client(sim: Simulator, protocol: str, **options: Any) -> sogenactif.Client:
    options.setdefault("timeout", 10)
    return sim.client(protocol, **options)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- API and protocols


def test_public_api() -> None:
    assert sogenactif.testing.Simulator is Simulator
    assert sogenactif.testing.MockTransport is sogenactif.MockTransport
    assert sogenactif.testing.WireCall is sogenactif.WireCall
    with Simulator() as sim:
        assert sim.base_url.startswith("http://127.0.0.1:")
        assert (sim.merchant_id, sim.key_version) == ("201040040170001", 1)
        assert sim.secret_key == "rxSP61eeP_oNi5TxCD7Ngy9YcwC8MLw6OlmFGGcsY54"
        assert "rxSP" not in repr(sim.shops)
    with pytest.raises(RuntimeError, match="not started"):
        _ = sim.base_url


def test_payment_token_over_both_protocols(sim: Simulator) -> None:
    results = {}
    for protocol in PROTOCOLS:
        resp = client(sim, protocol).token.payment_token_generate(
            card_number="4100000000000000", card_expiry_date=FUTURE, card_csc_value="123"
        )
        assert resp.response_code == "00"
        assert resp.sealed
        assert resp.payment_token and resp.payment_token.count(".") == 2
        results[protocol] = resp.raw
    assert (
        list(results["rest"]) == list(results["soap"]) == ["responseCode", "paymentToken", "seal"]
    )


def test_card_order_same_answer_over_both_protocols(sim: Simulator) -> None:
    raws = {}
    for protocol in PROTOCOLS:
        resp = client(sim, protocol).checkout.card_order(**order(f"BOTH{protocol}"))
        assert resp.response_code == "00" and resp.sealed
        assert resp.transaction_reference == f"BOTH{protocol}"
        assert resp.masked_pan == "4100##########00"
        assert resp.authorisation_id and resp.capture_mode == "AUTHOR_CAPTURE"
        raws[protocol] = resp.raw
    assert list(raws["rest"]) == list(raws["soap"])
    # JSON carries the dictionary's integers as numbers; SOAP has text only. Same seal input.
    assert raws["rest"]["captureDay"] == 0 and raws["soap"]["captureDay"] == "0"


def test_response_fields_are_in_the_dictionary_order_not_sorted(
    sim: Simulator, protocol: str
) -> None:
    resp = client(sim, protocol).checkout.card_order(**order("ORDERED"))
    names = list(resp.raw)
    assert names != sorted(names)
    model_order = [f.alias or n for n, f in type(resp).model_fields.items()]
    assert names == [n for n in model_order if n in resp.raw]
    assert names[0] == "responseCode" and names[-1] == "seal"
    assert verify_seal(resp.raw, sim.secret_key)


def test_seal_algorithms(sim: Simulator, protocol: str) -> None:
    for algorithm in ("HMAC-SHA-512", "SHA-256"):
        c = client(sim, protocol, seal_algorithm=algorithm)
        resp = c.checkout.card_order(**order(f"ALG{algorithm.replace('-', '')}{protocol}"))
        assert resp.response_code == "00" and resp.sealed
        assert verify_seal(resp.raw, sim.secret_key, algorithm)
        assert not verify_seal(resp.raw, sim.secret_key, "HMAC-SHA-256")


def test_wrong_seal_is_34_and_sealed(sim: Simulator, protocol: str) -> None:
    request = sealed({**envelope(sim, "checkout"), **CARD_ORDER}, sim.secret_key)
    request["amount"] = "1"  # changed after sealing
    response = post(sim, protocol, "checkout", "cardOrder", request)
    assert response["responseCode"] == "34"
    assert verify_seal(response, sim.secret_key)
    assert sim.transactions() == []


def test_client_with_a_wrong_key_is_told_so(sim: Simulator, protocol: str) -> None:
    """The first mistake of every integration: the error says the platform refused the seal
    (34), names secret_key and key_version, and says nothing was executed."""
    wrong = Shop(sim.merchant_id, "not-the-key", sim.key_version)
    with pytest.raises(sogenactif.SealRefusedError) as info:
        client(sim, protocol, shop=wrong).checkout.card_order(**order("WRONGKEY"))
    assert info.value.raw is not None and info.value.raw["responseCode"] == "34"
    message = str(info.value)
    assert "responseCode 34" in message and "secret_key or key_version" in message
    assert "not executed" in message
    assert isinstance(info.value, sogenactif.ResponseError)
    assert sim.transactions() == []


def test_unknown_merchant_is_03_unsigned(sim: Simulator, protocol: str) -> None:
    stranger = Shop("999999999999999", "whatever", 1)
    resp = client(sim, protocol, shop=stranger).checkout.card_order(**order("STRANGER"))
    assert resp.response_code == "03"
    assert not resp.sealed and "seal" not in resp.raw
    with pytest.raises(sogenactif.UnsignedResponseError):
        client(sim, protocol, shop=stranger, require_response_seal=True).checkout.card_order(
            **order("STRANGER2")
        )


def test_unknown_key_version_is_34_unsigned(sim: Simulator, protocol: str) -> None:
    other_version = Shop(sim.merchant_id, sim.secret_key, 7)
    resp = client(sim, protocol, shop=other_version).checkout.card_order(**order("KV7"))
    assert resp.response_code == "34" and not resp.sealed


def test_shops_and_key_versions(protocol: str) -> None:
    first = Shop("211000021310001", "S9i8qClCnb2CZU3y3Vn0toIOgz3z_aBi79akR30vM9o", 1)
    with Simulator(shops=[first]) as sim:
        assert sim.merchant_id == first.merchant_id
        second_key = sim.add_shop(first.merchant_id, "a-new-key", 2)
        other = sim.add_shop("002001000000001", "002001000000001_KEY1")
        codes = []
        for shop in (first, second_key, other):
            resp = client(sim, protocol, shop=shop).checkout.card_order(**order("SAMEREF"))
            assert resp.sealed and verify_seal(resp.raw, shop.secret_key)
            codes.append(resp.response_code)
        # A reference is unique per shop: the first shop's second key cannot reuse it.
        assert codes == ["00", "94", "00"]
        assert {t.merchant_id for t in sim.transactions()} == {
            first.merchant_id,
            other.merchant_id,
        }


# --------------------------------------------------------------------------- dictionary checks


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"amount": None}, "12", "amount"),
        ({"currencyCode": ""}, "12", "currencyCode"),
        ({"amount": "12.50"}, "30", "amount"),
        ({"amount": "1234567890123"}, "30", "amount"),
        ({"cardExpiryDate": "2030-12"}, "30", "cardExpiryDate"),
        ({"captureMode": "LATER"}, "12", "captureMode"),
        ({"noSuchField": "x"}, "12", "noSuchField"),
        ({"customerContact": {"email": "x" * 200}}, "30", "customerContact.email"),
        ({"customerContact": {"nickname": "x"}}, "12", "customerContact.nickname"),
        ({"customerContact": "not a container"}, "30", "customerContact"),
        (
            {
                "shoppingCartDetail": {
                    "shoppingCartItemList": [{"productCode": "A"}, {"productQuantity": "two"}]
                }
            },
            "30",
            "shoppingCartDetail.shoppingCartItemList[1].productQuantity",
        ),
    ],
)
def test_missing_or_malformed_fields(
    sim: Simulator, protocol: str, change: dict[str, Any], code: str, field: str
) -> None:
    fields = {k: v for k, v in {**CARD_ORDER, **change}.items() if v is not None}
    response = send(sim, protocol, "checkout", "cardOrder", fields)
    assert (response["responseCode"], response.get("errorFieldName")) == (code, field)
    assert sim.transactions() == []


def test_json_types_are_checked(sim: Simulator) -> None:
    ok = send(sim, "rest", "checkout", "cardOrder", {**CARD_ORDER, "amount": 2500})
    assert ok["responseCode"] == "00"  # a JSON number is accepted for an integer field
    for value in (True, ["2500"], {"value": "2500"}):
        response = send(sim, "rest", "checkout", "cardOrder", {**CARD_ORDER, "amount": value})
        assert (response["responseCode"], response["errorFieldName"]) == ("30", "amount")
    # A fraction cannot even be sealed: refused as a format error before the seal is checked.
    request = {**envelope(sim, "checkout"), **CARD_ORDER, "amount": 25.0, "seal": "0" * 64}
    response = post(sim, "rest", "checkout", "cardOrder", request)
    assert (response["responseCode"], response["errorFieldName"]) == ("30", "amount")
    assert verify_seal(response, sim.secret_key)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, "12"),
        ("IR_WS_2.55x", "30"),
        ("2.55", "30"),
        ("TR_WS_2.55", "12"),  # the token service's prefix, sent to checkout
        ("IR_WS_9.99", "12"),  # newer than the simulated platform
        ("IR_WS_1.9", "12"),
    ],
)
def test_interface_version_is_checked(
    sim: Simulator, protocol: str, value: str | None, code: str
) -> None:
    fields = {**envelope(sim, "checkout"), **CARD_ORDER}
    if value is None:
        del fields["interfaceVersion"]
    else:
        fields["interfaceVersion"] = value
    response = post(sim, protocol, "checkout", "cardOrder", sealed(fields, sim.secret_key))
    assert (response["responseCode"], response["errorFieldName"]) == (code, "interfaceVersion")
    assert verify_seal(response, sim.secret_key)


@pytest.mark.parametrize(
    ("value", "version", "code"),
    [
        ("ISP-1", None, "00"),
        ("x" * 21, None, "30"),  # ANS20
        ("a\x01b", None, "30"),
        (7, None, "30"),  # a number where text is expected
        ("ISP-1", "2.11", "12"),  # cardOrder's envelope carries it from 2.12
        ("ISP-1", "2.12", "00"),
    ],
)
def test_an_intermediate_service_provider_id_is_checked(
    sim: Simulator, protocol: str, value: Any, version: str | None, code: str
) -> None:
    if protocol == "soap" and (value == "a\x01b" or value == 7):
        return  # XML 1.0 cannot carry the first (its body is refused), and has no numbers
    reference = f"ISP{len(str(value))}{version or ''}{protocol}".replace(".", "")
    fields = {
        **envelope(sim, "checkout", version),
        **CARD_ORDER,
        "transactionReference": reference,
        "intermediateServiceProviderId": value,
    }
    response = post(sim, protocol, "checkout", "cardOrder", sealed(fields, sim.secret_key))
    assert response["responseCode"] == code
    if code != "00":
        assert response["errorFieldName"] == "intermediateServiceProviderId"
    assert verify_seal(response, sim.secret_key)


def test_older_interface_versions_are_served(sim: Simulator, protocol: str) -> None:
    for version in ("2.3", "2.49", DICTIONARY.interface_version):
        fields = {**CARD_ORDER, "transactionReference": f"V{version.replace('.', '')}{protocol}"}
        response = send(sim, protocol, "checkout", "cardOrder", fields, version=version)
        assert response["responseCode"] == "00"


def test_a_field_newer_than_the_declared_version_is_refused(sim: Simulator, protocol: str) -> None:
    # As if the dictionary had introduced orderId in 2.50 (no field of today's spec is that new).
    entries = sim.platform.entries
    entry = entries[("checkout", "cardOrder")]
    rules = dict(entry.fn.request_fields)
    rules["orderId"] = replaced(rules["orderId"], since="2.50")
    entries[("checkout", "cardOrder")] = dataclasses.replace(
        entry, fn=replaced(entry.fn, request_fields=rules)
    )
    fields = {**CARD_ORDER, "orderId": "ORD1"}
    old = send(sim, protocol, "checkout", "cardOrder", fields, version="2.49")
    assert (old["responseCode"], old["errorFieldName"]) == ("12", "orderId")
    new = send(sim, protocol, "checkout", "cardOrder", fields, version="2.50")
    assert new["responseCode"] == "00"


def test_response_fields_newer_than_the_declared_version_are_not_sent(
    sim: Simulator, protocol: str
) -> None:
    """refund's errorFieldName is a 2.21 field (its page): a request declaring 2.20 gets the
    refusal without it; cardOrder's is 2.0 (its page), sent to every version."""
    refund = DICTIONARY.functions()[("cashManagement", "refund")]
    assert refund.response_since.get("errorFieldName") == "2.21"
    fields = {"transactionReference": "X1", "operationAmount": "12a", "currencyCode": "978"}
    old = send(sim, protocol, "cashManagement", "refund", fields, version="2.20")
    assert old["responseCode"] == "30" and "errorFieldName" not in old
    assert verify_seal(old, sim.secret_key)
    new = send(sim, protocol, "cashManagement", "refund", fields, version="2.21")
    assert (new["responseCode"], new["errorFieldName"]) == ("30", "operationAmount")
    card_order = send(
        sim, protocol, "checkout", "cardOrder", {**CARD_ORDER, "amount": "12a"}, version="2.20"
    )
    assert card_order["errorFieldName"] == "amount"


def test_envelope_problems(sim: Simulator, protocol: str) -> None:
    base = {**envelope(sim, "checkout"), **CARD_ORDER}
    no_seal = post(sim, protocol, "checkout", "cardOrder", base)
    assert (no_seal["responseCode"], no_seal["errorFieldName"]) == ("12", "seal")
    assert verify_seal(no_seal, sim.secret_key)
    for name, value, code in (
        ("merchantId", None, "12"),
        ("merchantId", "12345", "30"),
        ("keyVersion", None, "12"),
        ("keyVersion", "one", "30"),
    ):
        fields = dict(base)
        if value is None:
            del fields[name]
        else:
            fields[name] = value
        response = post(sim, protocol, "checkout", "cardOrder", sealed(fields, sim.secret_key))
        assert (response["responseCode"], response["errorFieldName"]) == (code, name)
        assert "seal" not in response  # no shop or no key: nothing to seal with
    bad_algorithm = sealed({**base, "sealAlgorithm": "MD5"}, sim.secret_key)
    response = post(sim, protocol, "checkout", "cardOrder", bad_algorithm)
    assert (response["responseCode"], response["errorFieldName"]) == ("12", "sealAlgorithm")


# --------------------------------------------------------------------------- HTTP and SOAP details


def test_rest_wants_json(sim: Simulator) -> None:
    url = f"{sim.base_url}/rs-services/v2/checkout/cardOrder"
    body = json.dumps(sealed({**envelope(sim, "checkout"), **CARD_ORDER}, sim.secret_key))
    reply = requests.post(url, data=body, headers={"Content-Type": "text/plain"}, timeout=5)
    assert reply.status_code == 415
    assert "<title>415 Unsupported Media Type</title>" in reply.text
    reply = requests.post(
        url, data=b"{not json", headers={"Content-Type": "application/json"}, timeout=5
    )
    assert reply.status_code == 400
    reply = requests.post(url, data=b"[1]", headers={"Content-Type": "application/json"}, timeout=5)
    assert reply.status_code == 400
    reply = requests.post(
        f"{sim.base_url}/rs-services/v2/checkout/noSuchFunction",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert reply.status_code == 404
    assert sim.transactions() == []


def test_client_reports_the_415_of_a_non_json_request(
    sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_rest.RestCodec, "headers", {"Content-Type": "text/plain"})
    with pytest.raises(sogenactif.HTTPStatusError) as info:
        client(sim, "rest").checkout.card_order(**order("NOJSON"))
    assert info.value.status_code == 415
    assert sim.transactions() == []


@pytest.mark.parametrize(
    ("service", "body"),
    [
        ("checkout", b"not xml at all"),
        ("checkout", b'<?xml version="1.0"?><a/>'),
        (
            "checkout",
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
            b"<soapenv:Body>&e;</soapenv:Body></soapenv:Envelope>",
        ),
        (
            "checkout",
            b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
            b"<soapenv:Body/></soapenv:Envelope>",
        ),
        ("token", soap_body("checkout", "cardOrder", {})),  # checkout's operation sent to token
        ("checkout", soap_body("checkout", "noSuchOperation", {})),
        ("checkout", soap_body("checkout", "cardOrder", {}).replace(b"input", b"inlet")),
    ],
)
def test_soap_faults(sim: Simulator, service: str, body: bytes) -> None:
    reply = requests.post(
        f"{sim.base_url}/services/v2/{service}",
        data=body,
        headers={"Content-Type": "text/xml"},
        timeout=5,
    )
    assert reply.status_code == 500
    assert b"<faultcode>soap:Client</faultcode>" in reply.content
    assert b"root:" not in reply.content


def test_client_reports_a_soap_fault(sim: Simulator) -> None:
    c = client(sim, "soap")
    c.transport.codec.paths["checkout"] = "/services/v2/token"  # type: ignore[attr-defined]
    with pytest.raises(sogenactif.SoapFaultError, match="Client"):
        c.checkout.card_order(**order("MISROUTED"))


def test_wsdl_is_served_and_usable_by_zeep(sim: Simulator) -> None:
    import zeep

    reply = requests.get(f"{sim.base_url}/services/v2/token?wsdl", timeout=5)
    assert reply.status_code == 200
    assert f'location="{sim.base_url}/services/v2/token"'.encode() in reply.content
    xsd = requests.get(f"{sim.base_url}/services/v2/token.xsd", timeout=5)
    assert xsd.status_code == 200 and b"paymentTokenGenerateInput" in xsd.content
    # A third-party SOAP stack, fed only with the simulator's URL.
    soap = zeep.Client(f"{sim.base_url}/services/v2/token?wsdl")
    fields = sealed(
        {**envelope(sim, "token"), "cardNumber": "4100000000000000", "cardExpiryDate": FUTURE},
        sim.secret_key,
    )
    result = soap.service.paymentTokenGenerate(input=fields)
    assert result.responseCode == "00"
    answer = {
        "responseCode": result.responseCode,
        "paymentToken": result.paymentToken,
        "seal": result.seal,
    }
    assert verify_seal(answer, sim.secret_key)


def test_soap_12_envelopes_are_served(sim: Simulator) -> None:
    soap12 = "http://www.w3.org/2003/05/soap-envelope"
    body = soap_body(
        "checkout", "cardOrder", sealed({**envelope(sim, "checkout"), **CARD_ORDER}, sim.secret_key)
    )
    body = body.replace(SOAP11.encode(), soap12.encode())
    reply = requests.post(
        f"{sim.base_url}/services/v2/checkout",
        data=body,
        headers={"Content-Type": "application/soap+xml; charset=utf-8"},
        timeout=5,
    )
    assert reply.status_code == 200 and reply.headers["Content-Type"].startswith(
        "application/soap+xml"
    )
    assert b"<responseCode>00</responseCode>" in reply.content


def test_soap_lists_and_containers_are_read(sim: Simulator) -> None:
    fields = {
        **CARD_ORDER,
        "customerContact": {"email": "jean@example.com", "firstname": "Jean"},
        "shoppingCartDetail": {
            "shoppingCartItemList": [
                {"productCode": "A", "productQuantity": "2"},
                {"productCode": "B", "productQuantity": "1"},
            ],
            "shoppingCartTotalAmount": "2500",
        },
    }
    # The server rebuilds the JSON shape from the XML: the seal over it matches.
    assert send(sim, "soap", "checkout", "cardOrder", fields)["responseCode"] == "00"


def test_index_and_admin_endpoints(sim: Simulator) -> None:
    index = requests.get(sim.base_url + "/", timeout=5)
    assert "POST /rs-services/v2/checkout/cardOrder" in index.text
    client(sim, "rest").checkout.card_order(**order("ADMIN", capture_day=1))
    listing = requests.get(f"{sim.base_url}/_simulator/transactions", timeout=5).json()
    assert [t["reference"] for t in listing] == ["ADMIN"]
    assert "pan" not in listing[0]["card"] and listing[0]["card"]["maskedPan"] == "4100##########00"
    advanced = requests.post(f"{sim.base_url}/_simulator/advance-days", json={"days": 2}, timeout=5)
    assert advanced.json()["changed"] == 1
    assert sim.transaction("ADMIN").status == "CAPTURED"  # type: ignore[union-attr]
    health = requests.get(f"{sim.base_url}/_simulator/health", timeout=5).json()
    assert health["status"] == "ok" and health["requests"] >= 1


# --------------------------------------------------------------------------- ways to run it


def test_pytest_fixtures(
    sogenactif_simulator: Simulator, sogenactif_client: sogenactif.Client
) -> None:
    assert sogenactif_client.base_url == sogenactif_simulator.base_url
    resp = sogenactif_client.checkout.card_order(**order("FIXTURE"))
    assert resp.response_code == "00"
    assert sogenactif_simulator.transaction("FIXTURE") is not None


@pytest.mark.slow
def test_pytest_plugin_by_name(tmp_path: Path) -> None:
    out = run_pytest_project(
        tmp_path,
        """
        def test_pay(sogenactif_client):
            resp = sogenactif_client.token.payment_token_generate(
                card_number="4100000000000000", card_expiry_date="203012")
            assert resp.response_code == "00" and resp.sealed
        """,
    )
    assert "1 passed" in out


def _start_cli(db: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "sogenactif.testing", "--port", "0", "--db", str(db)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": PACKAGE_PATH},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert "listening on http://127.0.0.1:" in line, (
        line + process.stderr.read() if process.stderr else line
    )
    return process, line.split("listening on ", 1)[1].split()[0]


def _stop_cli(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    return out


@pytest.mark.slow
def test_command_line_with_a_file_database(tmp_path: Path) -> None:
    db = tmp_path / "sim.sqlite"
    process, url = _start_cli(db)
    try:
        c = sogenactif.Client(
            merchant_id="201040040170001",
            secret_key="rxSP61eeP_oNi5TxCD7Ngy9YcwC8MLw6OlmFGGcsY54",
            environment=url,
            timeout=10,
        )
        assert c.checkout.card_order(**order("CLI1")).response_code == "00"
    finally:
        assert "simulator stopped" in _stop_cli(process)
    # Restarted on the same file: the transaction is still there.
    process, url = _start_cli(db)
    try:
        c = sogenactif.Client(
            merchant_id="201040040170001",
            secret_key="rxSP61eeP_oNi5TxCD7Ngy9YcwC8MLw6OlmFGGcsY54",
            environment=url,
            protocol="soap",
            timeout=10,
        )
        assert c.checkout.card_order(**order("CLI1")).response_code == "94"
        listing = requests.get(f"{url}/_simulator/transactions", timeout=5).json()
        assert [t["reference"] for t in listing] == ["CLI1"]
    finally:
        _stop_cli(process)


def test_command_line_shops_and_errors(tmp_path: Path) -> None:
    from sogenactif.testing.__main__ import main

    with pytest.raises(SystemExit):
        main(["--shop", "not-a-shop"])
    with Simulator() as sim:
        assert main(["--port", str(sim.port)]) == 1  # the port is taken


def test_file_database_survives_a_restart(tmp_path: Path, protocol: str) -> None:
    db = tmp_path / "state.sqlite"
    with Simulator(db=db) as sim:
        client(sim, protocol).checkout.card_order(**order("KEPT", capture_day=3))
        sim.advance_days(1)
    with Simulator(db=db) as sim:
        kept = sim.transaction("KEPT")
        assert kept is not None and kept.status == "TO_CAPTURE"
        assert client(sim, protocol).checkout.card_order(**order("KEPT")).response_code == "94"
        # The simulated clock is kept too: two more days and the capture day is past.
        assert sim.advance_days(2) == 0  # day 3 is the capture day: captured at its end
        assert sim.advance_days(1) == 1
        assert sim.transaction("KEPT").status == "CAPTURED"  # type: ignore[union-attr]


def test_many_threads_one_reference(sim: Simulator, protocol: str) -> None:
    c = client(sim, protocol)
    codes: list[str] = []
    lock = threading.Lock()

    def pay() -> None:
        code = c.checkout.card_order(**order("RACE")).response_code or ""
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=pay) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == ["00"] + ["94"] * 7
    assert len(sim.transactions()) == 1


# --------------------------------------------------------------------------- the demo and the load run


def _package_path() -> str:
    import sogenactif_core

    package = Path(sogenactif.__file__).resolve().parent.parent
    core = Path(sogenactif_core.__file__).resolve().parent.parent
    return os.pathsep.join([str(package), str(core)])


@pytest.mark.slow
def test_demo() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo.py")],
        env={**os.environ, "PYTHONPATH": _package_path()},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "UNEXPECTED" not in result.stdout
    for function in ("cardOrder", "getTransactionData", "validate", "refund"):
        assert function in result.stdout
    assert result.stdout.count("00 accepted") == 12


@pytest.mark.slow
def test_load_run_small() -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "load_simulator.py"),
            "--threads",
            "4",
            "--operations",
            "200",
            "--seconds",
            "60",
        ],
        env={**os.environ, "PYTHONPATH": _package_path()},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: no error, no lost or duplicated transaction" in result.stdout
