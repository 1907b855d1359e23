"""No secret key, card number, CSC or token in logs, reprs or error messages.

Every generated function is called over both protocols with logging at DEBUG for every logger
(``sogenactif``, urllib3, zeep …), with card data in every sensitive request field and tokens in
the response; then everything that was printed, logged or raised is searched for those values.
"""

from __future__ import annotations

import io
import logging
import pickle
import re
import traceback
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sogenactif
from sogenactif_core._metadata import FunctionSpec
from sogenactif_core._redact import SENSITIVE_FIELDS, redact
from tests.support import (
    CSC,
    FUNCTIONS,
    MERCHANT_ID,
    PAN,
    PAN2,
    PASSWORD,
    SECRET_KEY,
    TOKEN,
    LocalServer,
    Recorded,
    Reply,
    full_request,
    json_reply,
    make_client,
    sealed,
    secret_for,
    soap_reply,
)

SECRETS = (SECRET_KEY, PAN, PAN[:10], PAN2, PAN2[:10], TOKEN, PASSWORD)

_HEX_RUN = re.compile(r"[0-9a-f]{16,}")  # seals: they hide nothing but may contain any digits
_CSC = re.compile(rf"(?<![\d.]){CSC}(?!\d)")


def leaks(text: str) -> list[str]:
    """The secrets found in ``text`` (the CSC only as a number on its own, outside seals)."""
    found = [s for s in SECRETS if s in text]
    if _CSC.search(_HEX_RUN.sub("#", text)):
        found.append(CSC)
    return found


def secret_response(fn: FunctionSpec[Any, Any]) -> dict[str, Any]:
    """A response carrying secrets in its sensitive text fields and in fields the spec lacks."""
    fields: dict[str, Any] = {"responseCode": "00"}
    for name, info in fn.response_model.model_fields.items():
        wire = info.alias or name
        kind = SENSITIVE_FIELDS.get(wire)
        if kind is not None and info.annotation in (str, str | None):
            fields[wire] = {"pan": PAN, "csc": CSC, "token": TOKEN}.get(kind, PASSWORD)
    fields["brandNewPan"] = PAN  # unknown to the spec: masked by its name
    fields["brandNewReference"] = PAN2  # unknown, innocent name: masked as a Luhn-valid number
    fields["brandNewData"] = {"cardNumber": PAN, "secretList": [{"token": TOKEN}]}
    return fields


@pytest.fixture()
def debug_output() -> Iterator[io.StringIO]:
    """Everything every logger writes at DEBUG, formatted as a handler would (tracebacks too)."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield out
    root.removeHandler(handler)
    root.setLevel(previous)


def replier(protocol: str, fn: FunctionSpec[Any, Any], fields: dict[str, Any]) -> Any:
    def reply(req: Recorded) -> Reply:
        if protocol == "rest":
            return json_reply(fields)
        return soap_reply(fn.service, fn.name, fields)

    return reply


def error_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)) + repr(exc) + repr(vars(exc).get("problems"))


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    ("attr", "method", "fn"), FUNCTIONS, ids=[f[2].qualified_name for f in FUNCTIONS]
)
def test_every_function_at_debug_leaks_nothing(
    server: LocalServer,
    protocol: str,
    debug_output: io.StringIO,
    capsys: pytest.CaptureFixture[str],
    attr: str,
    method: str,
    fn: FunctionSpec[Any, Any],
    kind: str,
) -> None:
    """Every function, over both protocols, with the sync client and the async one."""
    client = make_client(server, protocol, kind)
    try:
        _leaks_nothing(client, server, protocol, debug_output, capsys, fn, attr, method)
    finally:
        client.close()


def _leaks_nothing(
    client: Any,
    server: LocalServer,
    protocol: str,
    debug_output: io.StringIO,
    capsys: pytest.CaptureFixture[str],
    fn: FunctionSpec[Any, Any],
    attr: str,
    method: str,
) -> None:
    bound = getattr(getattr(client, attr), method)
    keywords = full_request(fn)
    texts: list[str] = [repr(client), str(client), repr(vars(client))]

    # 1. A successful call: the request and the response are logged, masked.
    server.reply = replier(protocol, fn, sealed(secret_response(fn), SECRET_KEY))
    response = bound(**keywords)
    request_model = fn.request_model.model_validate(keywords)
    texts += [repr(response), str(response), repr(request_model), str(request_model)]
    sent = server.requests[-1].body.decode()
    if any(secret_for(n, r) for n, r in fn.request_fields.items()):
        assert PAN in sent or CSC in sent or TOKEN in sent  # the secrets did go on the wire

    # 2. A response whose seal does not match (logged as an error).
    tampered = sealed(secret_response(fn), SECRET_KEY)
    tampered["responseCode"] = "05"
    server.reply = replier(protocol, fn, tampered)
    with pytest.raises(sogenactif.SealMismatchError) as mismatch:
        bound(**keywords)
    texts.append(error_text(mismatch.value))

    # 3. Requests refused before sending, the secret inside the wrong value.
    for name, rule in fn.request_fields.items():
        secret = secret_for(name, rule)
        if secret is None:
            continue
        keyword = next(k for k, w in fn.keywords.items() if w == name)
        for bad in (secret + "Z", secret + "\x01", secret * 20):
            if rule.regex is not None and rule.regex.match(bad):
                continue  # e.g. cardNumber also takes a token (ANS128)
            with pytest.raises(sogenactif.RequestValidationError) as refused:
                bound(**{**keywords, keyword: bad})
            assert name in refused.value.fields
            texts.append(error_text(refused.value))

    captured = capsys.readouterr()
    log = debug_output.getvalue()
    assert f"{fn.qualified_name} request" in log and f"{fn.qualified_name} response" in log
    everything = "\n".join([log, captured.out, captured.err, *texts])
    assert leaks(everything) == []
    if any(SENSITIVE_FIELDS.get(n) == "pan" for n in fn.request_fields):
        assert "****2764" in log  # the PAN is shown by its last 4 digits, nothing more
    assert "****0002" in log  # the unknown Luhn-valid number too


def test_pydantic_errors_of_models_built_directly_hide_the_input() -> None:
    from pydantic import ValidationError

    from sogenactif.models.token import PaymentTokenGenerateRequest

    with pytest.raises(ValidationError) as info:
        PaymentTokenGenerateRequest(card_number=int(PAN))  # type: ignore[arg-type]
    assert leaks(str(info.value) + repr(info.value)) == []


def test_client_holds_the_key_only_in_a_secret_that_never_shows() -> None:
    client = sogenactif.Client(merchant_id=MERCHANT_ID, secret_key=SECRET_KEY)
    sealer = client._sealer  # the key is held there alone, masked and in HMAC's keyed state
    shown = repr(client) + str(vars(client)) + repr(sealer) + str(sealer) + repr(sealer._secret)
    assert leaks(shown) == [] and SECRET_KEY not in shown
    assert "_secret_key" not in vars(client)
    for held in (sealer, sealer._secret):
        with pytest.raises(TypeError, match="not picklable"):
            pickle.dumps(held)


def test_redact_masks_by_spec_name_and_luhn() -> None:
    masked = redact(
        {
            "cardNumber": PAN,
            "cardCSCValue": CSC,
            "paymentToken": TOKEN,
            "merchantId": MERCHANT_ID,
            "maskedPan": "4973##########06",
            "orderId": PAN2,
            "transactionReference": "1234567890123",  # 13 digits, fails the Luhn check
            "panList": [PAN, PAN2],
            "container": {"tokenPan": TOKEN, "items": [{"cardNumber": PAN}]},
        }
    )
    assert masked["cardNumber"] == "****2764"
    assert masked["cardCSCValue"] == "<removed>"
    assert masked["paymentToken"] == f"<token, {len(TOKEN)} chars>"
    assert masked["merchantId"] == MERCHANT_ID and masked["maskedPan"] == "4973##########06"
    assert masked["orderId"] == "****0002"
    assert masked["transactionReference"] == "1234567890123"
    assert masked["panList"] == ["****2764", "****0002"]
    assert leaks(repr(masked)) == []


def test_model_reprs_mask_extras_and_containers() -> None:
    from sogenactif.models.checkout import CardOrderRequest, CardOrderResponse

    request = CardOrderRequest(
        amount=1000, currency_code="978", card_number=PAN, card_csc_value=CSC
    )
    response = CardOrderResponse.model_validate(
        {"responseCode": "00", "newPan": PAN, "extra": {"cardNumber": PAN}, "tokenPan": TOKEN}
    )
    assert leaks(repr(request) + str(request) + repr(response) + str(response)) == []
    assert "****2764" in repr(request)


def test_names_that_look_sensitive_are_masked_however_many_a_server_sends() -> None:
    """kind_of remembers how each name is masked; a server sending endless new names neither
    grows that memory without bound nor escapes the masking once it is full."""
    from sogenactif_core import _redact

    for i in range(_redact._NAMES_KEPT + 500):
        assert _redact.kind_of(f"field{i}", "x") is None
        assert _redact.kind_of(f"field{i}Token", "abc") == "token"
    assert len(_redact._NAME_RULES) <= _redact._NAMES_KEPT
    assert _redact.kind_of("field999999CardNumber", "4973019999912764") == "pan"


_NAMES = [
    "orderId",
    "newPan",
    "maskedPan",
    "merchantId",
    "cardNumber",
    "fieldToken",
    "x",
    "panType",
]


def _luhn_completed(digits: str) -> str:
    """``digits`` and the check digit that makes them pass the Luhn check."""
    from sogenactif_core._redact import luhn_valid

    return next(digits + d for d in "0123456789" if luhn_valid(digits + d))


_CARD_LIKE = st.builds(
    lambda digits, newline: _luhn_completed(digits) + newline,
    st.from_regex(r"[0-9]{11,20}", fullmatch=True),
    st.sampled_from(["", "", "\n"]),
)


@given(
    st.sampled_from(_NAMES) | st.text(max_size=12),
    _CARD_LIKE | st.from_regex(r"[0-9]{12,21}\n?", fullmatch=True) | st.text(max_size=24),
)
def test_mask_fields_masks_a_value_exactly_when_kind_of_says_so(name: str, value: str) -> None:
    """mask_fields' shortcuts (each name's rule remembered, the length tested before the
    card-number pattern) decide as kind_of does, for card-number-like text of every length."""
    from sogenactif_core._masked import Masked
    from sogenactif_core._redact import kind_of, mask_fields

    masked = mask_fields({name: value})[name]
    kind = kind_of(name, value)
    assert (type(masked) is Masked) == (kind is not None)
    if kind is not None:
        assert masked.kind == kind and masked.reveal() == value
    else:
        assert masked is value


@pytest.mark.parametrize("length", range(11, 22))
@pytest.mark.parametrize("name", ["orderId", "newPan", "merchantId"])
def test_mask_fields_masks_card_numbers_of_13_to_19_digits_whatever_the_name(
    name: str, length: int
) -> None:
    from sogenactif_core._masked import Masked
    from sogenactif_core._redact import kind_of, mask_fields

    for value in (_luhn_completed("4" * (length - 1)), _luhn_completed("4" * (length - 2)) + "\n"):
        masked = mask_fields({name: value})[name]
        assert (type(masked) is Masked) == (kind_of(name, value) is not None)
        if name == "orderId":  # any name: a Luhn-valid card number is masked
            assert (type(masked) is Masked) == (13 <= len(value.strip()) <= 19)


def test_a_response_holding_masked_values_copies_but_never_pickles() -> None:
    """``copy.deepcopy`` and ``model_copy(deep=True)`` stay in the process: they share the
    masked holders (immutable) and keep ``raw``; pickling would write card data out, and says
    what to do instead."""
    import copy

    from sogenactif.testing import Simulator
    from sogenactif_core._masked import Masked

    with Simulator() as sim:
        client = sim.client("rest", timeout=10)
        answer = client.token.payment_token_generate(card_number="4100000000000000")
        client.close()
    assert any(
        type(v) is Masked for v in answer.__pydantic_private__["_raw"].values()
    )  # the token, held masked
    for copied in (copy.copy(answer), copy.deepcopy(answer), answer.model_copy(deep=True)):
        assert copied == answer and copied.raw == answer.raw and copied.sealed
        assert leaks(repr(copied)) == []
    with pytest.raises(TypeError, match=r"not picklable.*model_dump\(\)"):
        pickle.dumps(answer)


def test_a_response_keeps_its_answer_through_copies_pickles_and_subclasses() -> None:
    """The answer and its sealed flag live in Pydantic's per-instance private store (not declared
    as private attributes, issue 16): a model made by hand has none, a response without card
    data pickles with them, equality counts them, and a subclass's own private attributes are
    kept beside them."""
    import copy

    from pydantic import PrivateAttr

    from sogenactif.models.checkout import CardOrderResponse
    from sogenactif.testing import Simulator
    from sogenactif_core._base import answered

    made = CardOrderResponse(response_code="00")
    assert made.raw == {} and made.sealed is False
    assert copy.deepcopy(made) == made and pickle.loads(pickle.dumps(made)) == made

    class Kept(CardOrderResponse):
        _note: str = PrivateAttr(default="mine")

    with Simulator() as sim:
        client = sim.client("rest", timeout=10)
        answer = client.diagnostic.get_transaction_data(transaction_reference="nothing0here")
        client.close()
    assert answer.sealed and answer.raw["responseCode"] == answer.response_code
    assert answer.raw is not answer.raw  # a fresh copy each time: the caller cannot alter it
    again = pickle.loads(pickle.dumps(answer))  # nothing masked in it: it pickles, answer kept
    assert again == answer and again.raw == answer.raw and again.sealed
    unsealed = answer.model_copy()
    answered(unsealed, dict(answer.raw), False)
    assert unsealed != answer and not unsealed.sealed and answer.sealed  # the copy's own store

    kept = Kept.model_validate(answer.raw)
    answered(kept, dict(answer.raw), True)
    assert kept._note == "mine" and kept.sealed and kept.raw == answer.raw
