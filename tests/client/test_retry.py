"""Retries: none by default; an opt-in RetryPolicy resends only what cannot charge twice
(nothing sent yet; 90/99 on read-only functions or under duplicate protection), with bounded
exponential backoff and jitter."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import sogenactif
from sogenactif.services.token import PAYMENT_TOKEN_GENERATE
from sogenactif_core._metadata import FunctionSpec
from tests.support import (
    KEY_VERSION,
    MERCHANT_ID,
    ROOT,
    SECRET_KEY,
    Connection,
    LocalServer,
    RawServer,
    Recorded,
    Reply,
    json_reply,
    replaced,
    sealed,
    soap_reply,
)


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def policy(**options: Any) -> tuple[sogenactif.RetryPolicy, Sleeps]:
    sleeps = Sleeps()
    options.setdefault("backoff", 0.01)
    options.setdefault("max_backoff", 0.05)
    return sogenactif.RetryPolicy(sleep=sleeps, **options), sleeps


def client_for(base_url: str, protocol: str = "rest", **options: Any) -> sogenactif.Client:
    options.setdefault("timeout", (1.0, 0.5))
    return sogenactif.Client(
        merchant_id=MERCHANT_ID,
        secret_key=SECRET_KEY,
        key_version=KEY_VERSION,
        environment=base_url,
        protocol=protocol,  # type: ignore[arg-type]
        **options,
    )


def scripted(
    protocol: str, service: str, function: str, codes: list[str]
) -> Callable[[Recorded], Reply]:
    """Answers each request with the next response code of ``codes`` (sealed)."""
    pending = list(codes)

    def reply(req: Recorded) -> Reply:
        fields = sealed({"responseCode": pending.pop(0) if pending else "00"}, SECRET_KEY)
        if protocol == "rest":
            return json_reply(fields)
        return soap_reply(service, function, fields)

    return reply


def card_order(client: sogenactif.Client, **extra: Any) -> Any:
    fields: dict[str, Any] = {
        "amount": 1000,
        "currency_code": "978",
        "card_number": "4100000000000000",
        "card_expiry_date": "203012",
        "transaction_reference": "REF20240101A",
    }
    fields.update(extra)
    return client.checkout.card_order(**fields)


@pytest.fixture()
def closed_port() -> Iterator[str]:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    yield f"http://127.0.0.1:{port}"


# ---------------------------------------------------------------- default: never twice


def test_no_retry_by_default(server: LocalServer, protocol: str) -> None:
    server.reply = scripted(protocol, "checkout", "cardOrder", ["90", "00"])
    resp = card_order(client_for(server.base_url, protocol))
    assert resp.response_code == "90"
    assert len(server.requests) == 1


def test_no_retry_by_default_even_when_nothing_was_sent(closed_port: str) -> None:
    with pytest.raises(sogenactif.ConnectError) as info:
        card_order(client_for(closed_port))
    assert info.value.attempts == 1


# ---------------------------------------------------------------- rule 1: nothing was sent


def test_connect_failure_is_retried_then_reported(closed_port: str, protocol: str) -> None:
    retry, sleeps = policy(max_attempts=3)
    with pytest.raises(sogenactif.ConnectError) as info:
        card_order(client_for(closed_port, protocol, retry=retry))
    assert info.value.attempts == 3
    assert info.value.may_have_reached_server is False
    assert len(sleeps) == 2


def test_connect_failure_then_success() -> None:
    """Nothing-sent failures are retried for any function, money-moving included."""
    attempts: list[int] = []

    def handler(call: sogenactif.WireCall) -> dict[str, Any]:
        attempts.append(1)
        if len(attempts) < 3:
            raise sogenactif.ConnectError("could not connect (test); nothing was sent.")
        return sealed({"responseCode": "00"}, SECRET_KEY)

    retry, sleeps = policy(max_attempts=3)
    client = sogenactif.Client(
        merchant_id=MERCHANT_ID,
        secret_key=SECRET_KEY,
        transport=sogenactif.MockTransport(handler),
        retry=retry,
    )
    assert client.token.payment_token_generate(card_number="4100000000000000").response_code == "00"
    assert len(attempts) == 3 and len(sleeps) == 2


# ---------------------------------------------------------------- never after it may have arrived


def _raw(script: Callable[[Connection], None]) -> RawServer:
    return RawServer(script).__enter__()


@pytest.mark.parametrize(
    ("script", "error"),
    [
        pytest.param(lambda conn: conn.hang(), sogenactif.ReadTimeoutError, id="read-timeout"),
        pytest.param(lambda conn: conn.reset(), sogenactif.RemoteProtocolError, id="reset"),
        pytest.param(
            lambda conn: conn.reply(503, b"busy", "text/plain"),
            sogenactif.HTTPStatusError,
            id="503",
        ),
        pytest.param(
            lambda conn: conn.reply(200, b"{not json", "application/json"),
            sogenactif.ResponseDecodeError,
            id="garbage",
        ),
    ],
)
def test_never_retried_once_it_may_have_arrived(
    script: Callable[[Connection], None], error: type[Exception], protocol: str
) -> None:
    server = _raw(script)
    try:
        retry, sleeps = policy(max_attempts=5)
        with pytest.raises(error) as info:
            card_order(client_for(server.base_url, protocol, retry=retry))
        assert info.value.may_have_reached_server is True  # type: ignore[attr-defined]
        assert len(server.requests) == 1 and sleeps == []
    finally:
        server.__exit__()


def test_seal_mismatch_is_never_retried_even_when_read_only(server: LocalServer) -> None:
    fields = sealed({"responseCode": "00"}, SECRET_KEY)
    fields["responseCode"] = "99"
    server.reply = lambda req: json_reply(fields)
    retry, sleeps = policy(max_attempts=5)
    client = client_for(server.base_url, retry=retry)
    read_only = replaced(PAYMENT_TOKEN_GENERATE, read_only=True)
    with pytest.raises(sogenactif.SealMismatchError) as info:
        client._call(read_only, None, {"card_number": "4100000000000000"}, {})
    assert "must not be retried automatically" in str(info.value)
    assert len(server.requests) == 1 and sleeps == []


# ---------------------------------------------------------------- rule 2: 90/99


@pytest.mark.parametrize("code", ["90", "99"])
def test_temporary_code_on_read_only_function_is_retried(server: LocalServer, code: str) -> None:
    server.reply = scripted("rest", "token", "paymentTokenGenerate", [code, code, "00"])
    retry, sleeps = policy(max_attempts=3)
    client = client_for(server.base_url, retry=retry)
    read_only = replaced(PAYMENT_TOKEN_GENERATE, read_only=True)
    resp = client._call(read_only, None, {"card_number": "4100000000000000"}, {})
    assert resp.response_code == "00"
    assert len(server.requests) == 3 and len(sleeps) == 2


@pytest.mark.parametrize("code", ["90", "99"])
def test_diagnostic_look_up_is_retried(server: LocalServer, protocol: str, code: str) -> None:
    server.reply = scripted(protocol, "diagnostic", "getTransactionData", [code, "00"])
    retry, sleeps = policy(max_attempts=3)
    client = client_for(server.base_url, protocol, retry=retry)
    resp = client.diagnostic.get_transaction_data(transaction_reference="REF20240101A")
    assert resp.response_code == "00"
    assert len(server.requests) == 2 and len(sleeps) == 1


@pytest.mark.parametrize(
    ("attr", "method", "keywords"),
    [
        ("cash_management", "refund", {"transaction_reference": "R1", "operation_amount": 100}),
        ("cash_management", "cancel", {"transaction_reference": "R1", "operation_amount": 100}),
        ("cash_management", "validate", {"transaction_reference": "R1", "operation_amount": 100}),
    ],
)
def test_operations_on_an_existing_transaction_are_not_retried(
    server: LocalServer, attr: str, method: str, keywords: dict[str, Any]
) -> None:
    """A second identical partial refund is a second refund: 90/99 is returned as is."""
    server.reply = scripted("rest", "cashManagement", method, ["90", "00"])
    retry, _ = policy(max_attempts=3)
    bound = getattr(getattr(client_for(server.base_url, retry=retry), attr), method)
    assert bound(currency_code="978", **keywords).response_code == "90"
    assert len(server.requests) == 1


def test_generated_resend_flags_are_those_of_the_spec() -> None:
    """The spec's ``resend`` key decides which functions a policy may resend after 90/99: the
    look-ups, and the three functions the platform refuses to create twice; nothing else."""
    import importlib
    import pkgutil

    import sogenactif.services as services

    found: dict[str, FunctionSpec[Any, Any]] = {}
    for module in pkgutil.iter_modules(services.__path__):
        mod = importlib.import_module(f"sogenactif.services.{module.name}")
        for value in vars(mod).values():
            if isinstance(value, FunctionSpec):
                found[value.qualified_name] = value
    from generator.spec import load_spec

    assert len(found) == sum(1 for _ in load_spec(ROOT / "spec").iter_functions())
    assert {n for n, f in found.items() if f.read_only} == {
        "diagnostic.getTransactionData",
        "diagnostic.getFraudData",
        "wallet.getWalletData",
        "wallet.getPaymentMeanData",
        "token.tokenToPan",
    }
    assert {n for n, f in found.items() if f.duplicate_protected} == {
        "checkout.cardOrder",
        "checkout.walletOrder",
        "cashManagement.duplicate",
    }


def test_spec_resend_key_is_checked(tmp_path: Any) -> None:
    import shutil
    from pathlib import Path

    from generator.spec import SpecError, load_spec

    root = Path(__file__).resolve().parents[2] / "spec"
    copy = tmp_path / "spec"
    shutil.copytree(root, copy)
    path = copy / "services" / "token.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("resend: read-only", "resend: always", 1), "utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(copy)
    line = next(
        i for i, t in enumerate(path.read_text("utf-8").splitlines(), 1) if "resend: always" in t
    )
    assert f"services/token.yaml:{line}:" in str(info.value)
    assert "tokenToPan.resend" in str(info.value) and "'always'" in str(info.value)


def test_policy_can_narrow_duplicate_protection(server: LocalServer) -> None:
    server.reply = scripted("rest", "checkout", "cardOrder", ["90", "00"])
    retry, _ = policy(max_attempts=3, duplicate_protected=frozenset())
    resp = card_order(client_for(server.base_url, retry=retry))
    assert resp.response_code == "90" and len(server.requests) == 1


@pytest.mark.parametrize("code", ["90", "99"])
def test_temporary_code_under_duplicate_protection_is_retried(
    server: LocalServer, protocol: str, code: str
) -> None:
    server.reply = scripted(protocol, "checkout", "cardOrder", [code, "00"])
    retry, sleeps = policy(max_attempts=3)
    resp = card_order(client_for(server.base_url, protocol, retry=retry))
    assert resp.response_code == "00" and resp.sealed and len(sleeps) == 1
    first, second = server.requests
    assert first.body == second.body  # the same sealed request, same transactionReference


def test_temporary_code_without_transaction_reference_is_not_retried(server: LocalServer) -> None:
    """Without a transactionReference the platform would create a second transaction."""
    server.reply = scripted("rest", "checkout", "cardOrder", ["90", "00"])
    retry, _ = policy(max_attempts=3)
    resp = card_order(
        client_for(server.base_url, retry=retry),
        transaction_reference=None,
        s10_transaction_reference={
            "s10TransactionId": "123456",
            "s10TransactionIdDate": "20240101",
        },
    )
    assert resp.response_code == "90" and len(server.requests) == 1


def test_temporary_code_on_unprotected_function_is_not_retried(server: LocalServer) -> None:
    server.reply = scripted("rest", "token", "paymentTokenGenerate", ["99", "00"])
    retry, _ = policy(max_attempts=3)
    resp = client_for(server.base_url, retry=retry).token.payment_token_generate()
    assert resp.response_code == "99" and len(server.requests) == 1


@pytest.mark.parametrize("code", ["05", "12", "34", "94", "24", "00"])
def test_other_codes_are_never_retried(server: LocalServer, code: str) -> None:
    server.reply = scripted("rest", "checkout", "cardOrder", [code, "00"])
    retry, _ = policy(max_attempts=3)
    assert card_order(client_for(server.base_url, retry=retry)).response_code == code
    assert len(server.requests) == 1


@pytest.mark.parametrize("duplicate", ["94", "24"])
def test_resend_refused_as_duplicate_says_the_first_attempt_stands(
    server: LocalServer, duplicate: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The caller learns it from the error itself, not from a log line: the first attempt was
    recorded, its outcome stands, and how to look it up; nobody pays again."""
    server.reply = scripted("rest", "checkout", "cardOrder", ["90", duplicate])
    retry, _ = policy(max_attempts=3)
    with caplog.at_level(logging.WARNING, logger="sogenactif"):
        with pytest.raises(sogenactif.DuplicateResendError) as info:
            card_order(client_for(server.base_url, retry=retry))
    error = info.value
    assert error.first_response.response_code == "90"
    assert error.duplicate_response.response_code == duplicate
    assert error.transaction_reference == server.requests[0].json()["transactionReference"]
    assert error.attempts == 2 and error.may_have_reached_server is True
    text = str(error)
    assert "recorded attempt 1" in text and "get_transaction_data" in text
    assert "never pay again under a new reference" in text
    assert len(server.requests) == 2
    assert "refused as a duplicate" in caplog.text


def test_attempts_are_bounded_and_the_last_answer_returned(server: LocalServer) -> None:
    server.reply = scripted("rest", "checkout", "cardOrder", ["99"] * 10)
    retry, sleeps = policy(max_attempts=4)
    assert card_order(client_for(server.base_url, retry=retry)).response_code == "99"
    assert len(server.requests) == 4 and len(sleeps) == 3


def test_unknown_outcome_after_a_temporary_code_is_raised_with_history() -> None:
    """90, then a read timeout: the second attempt may have been performed, so it is raised."""
    answers: list[Any] = [sealed({"responseCode": "90"}, SECRET_KEY)]

    def handler(call: sogenactif.WireCall) -> dict[str, Any]:
        if answers:
            return dict(answers.pop())
        raise sogenactif.ReadTimeoutError("no response (test).")

    retry, _ = policy(max_attempts=3)
    client = sogenactif.Client(
        merchant_id=MERCHANT_ID,
        secret_key=SECRET_KEY,
        transport=sogenactif.MockTransport(handler),
        retry=retry,
    )
    with pytest.raises(sogenactif.ReadTimeoutError) as info:
        card_order(client)
    assert info.value.attempts == 2
    assert any("responseCode 90" in note for note in info.value.__notes__)


def test_nothing_sent_after_a_temporary_code_returns_the_platform_answer() -> None:
    answers: list[Any] = [sealed({"responseCode": "90"}, SECRET_KEY)]

    def handler(call: sogenactif.WireCall) -> dict[str, Any]:
        if answers:
            return dict(answers.pop())
        raise sogenactif.ConnectError("refused (test); nothing was sent.")

    retry, sleeps = policy(max_attempts=3)
    client = sogenactif.Client(
        merchant_id=MERCHANT_ID,
        secret_key=SECRET_KEY,
        transport=sogenactif.MockTransport(handler),
        retry=retry,
    )
    assert card_order(client).response_code == "90"
    assert len(sleeps) == 2


# ---------------------------------------------------------------- backoff


def test_backoff_is_exponential_and_capped() -> None:
    retry = sogenactif.RetryPolicy(max_attempts=6, backoff=0.2, max_backoff=1.0, jitter=False)
    assert [retry.delay(n) for n in range(1, 6)] == [0.2, 0.4, 0.8, 1.0, 1.0]


def test_jitter_stays_between_half_and_all_of_the_delay() -> None:
    retry = sogenactif.RetryPolicy(max_attempts=6, backoff=0.2, max_backoff=1.0)
    for attempt in range(1, 6):
        base = min(1.0, 0.2 * 2 ** (attempt - 1))
        delays = {retry.delay(attempt) for _ in range(50)}
        assert all(base / 2 <= d <= base for d in delays)
        assert len(delays) > 1


def test_defaults() -> None:
    retry = sogenactif.RetryPolicy()
    assert (retry.max_attempts, retry.backoff, retry.max_backoff, retry.jitter) == (
        3,
        0.2,
        2.0,
        True,
    )
    assert retry.duplicate_protected is None  # as the spec marks the functions


@pytest.mark.parametrize(
    "options",
    [
        {"max_attempts": 0},
        {"max_attempts": 11},
        {"max_attempts": True},
        {"backoff": -1},
        {"backoff": 3.0, "max_backoff": 2.0},
        {"max_backoff": 600},
    ],
)
def test_bad_policy_is_refused(options: dict[str, Any]) -> None:
    with pytest.raises(sogenactif.ConfigurationError):
        sogenactif.RetryPolicy(**options)


def test_client_refuses_anything_but_a_policy() -> None:
    with pytest.raises(sogenactif.ConfigurationError, match="RetryPolicy"):
        sogenactif.Client(merchant_id=MERCHANT_ID, secret_key=SECRET_KEY, retry=3)  # type: ignore[arg-type]
