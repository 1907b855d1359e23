"""Bad input is refused before sending, naming the field and never quoting the value; valid input
is never refused.

Hypothesis draws, for every generated function, a field anywhere in the request tree (inside
containers and lists too) and a value out of its format: too long, a character outside the
field's charset, letters in a numeric field, a value outside its list, a wrong type. Fields newer
than the target interface version are checked against a client generated for an older version.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sogenactif
from generator.__main__ import main as generator_main
from sogenactif._dictionary import DICTIONARY
from sogenactif_core._formats import FORMAT_RE
from sogenactif_core._metadata import FieldRule, FunctionSpec
from sogenactif_core._soap import SoapCodec
from tests.support import FUNCTIONS, MERCHANT_ID, SECRET_KEY, either_client, example, sealed

ROOT = Path(__file__).resolve().parents[2]
# What the client refuses whatever the format says: control characters (no charset allows them),
# and what XML 1.0 and UTF-8 cannot carry.
UNSENDABLE = re.compile("[^\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|\x7f")
BAD_CHARS = [
    "\x00",
    "\x01",
    "\x1f",
    "\x7f",
    "\ufffe",
    "€",
    "é",
    "-",
    " ",
    "a",
    "Z",
    "5",
    "\n",
    "\t",
]
SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

Path_ = tuple[str | int, ...]


# ---------------------------------------------------------------- the request tree


def leaves(fn: FunctionSpec[Any, Any]) -> list[tuple[Path_, FieldRule]]:
    """Every scalar field of ``fn``'s request, with its path (names and list indices)."""
    out: list[tuple[Path_, FieldRule]] = []

    def walk(path: Path_, rule: FieldRule) -> None:
        if rule.kind == "container":
            for name, child in (rule.children or {}).items():
                walk((*path, name), child)
        elif rule.kind == "list":
            assert rule.item is not None
            walk((*path, 0), rule.item)
        else:
            out.append((path, rule))

    for name, rule in fn.request_fields.items():
        walk((name,), rule)
    return out


def wire_path(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def minimal(rule: FieldRule) -> Any:
    """The smallest valid value: required members only."""
    if rule.kind == "container":
        return {n: minimal(c) for n, c in (rule.children or {}).items() if c.required}
    if rule.kind == "list":
        assert rule.item is not None
        return [minimal(rule.item)]
    return example(rule.name, rule)


def keywords_of(fn: FunctionSpec[Any, Any], wire: dict[str, Any]) -> dict[str, Any]:
    to_keyword = {w: k for k, w in fn.keywords.items()}
    return {to_keyword[name]: value for name, value in wire.items()}


def request_with(fn: FunctionSpec[Any, Any], path: Path_, value: Any) -> dict[str, Any]:
    """The required fields of ``fn``, plus ``value`` at ``path`` (its containers created)."""
    wire = {n: minimal(r) for n, r in fn.request_fields.items() if r.required}
    rules: dict[str, FieldRule] = dict(fn.request_fields)
    node: Any = wire
    for part, following in zip(path, [*path[1:], None], strict=True):
        if following is None:
            node[part] = value
            break
        if isinstance(part, int):
            node = node[part]
            continue
        rule = rules[part]
        if rule.kind == "container":
            node = node.setdefault(part, minimal(rule))
            rules = dict(rule.children or {})
        else:  # a list: its item 0
            assert rule.item is not None
            node = node.setdefault(part, [minimal(rule.item)])
            if rule.item.kind == "container":
                rules = dict(rule.item.children or {})
    return keywords_of(fn, wire)


# Minimal values come from hypothesis.find, which cannot run inside @given: compute them now.
for _attr, _method, _fn in FUNCTIONS:
    for _path, _rule in leaves(_fn):
        minimal(_rule)


# ---------------------------------------------------------------- strategies


def alternatives(rule: FieldRule) -> list[tuple[str, int]]:
    parts = []
    for one in rule.format.split("|") if rule.format else []:
        match = FORMAT_RE.match(one)
        if match:
            parts.append((match.group(1), int(match.group(2))))
    return parts


def valid_text(rule: FieldRule, required: bool) -> st.SearchStrategy[str]:
    if rule.enum_values is not None:
        return st.sampled_from(sorted(v for v in rule.enum_values if v or not required))
    base = st.from_regex(rule.regex, fullmatch=True) if rule.regex is not None else st.text()
    base = base.filter(lambda v: not UNSENDABLE.search(v))
    return base.filter(bool) if required else base


def valid_value(rule: FieldRule, required: bool) -> st.SearchStrategy[Any]:
    if rule.kind == "container":
        children = rule.children or {}
        return st.fixed_dictionaries(
            {n: valid_value(c, True) for n, c in children.items() if c.required},
            optional={n: valid_value(c, False) for n, c in children.items() if not c.required},
        )
    if rule.kind == "list":
        assert rule.item is not None
        # An item is a value, never "" (an empty amount in amountsList means nothing).
        return st.lists(valid_value(rule.item, True), min_size=1 if required else 0, max_size=2)
    if rule.kind == "boolean":
        return st.booleans() | st.sampled_from(["true", "false"])
    if rule.kind == "integer" and rule.enum_values is None:
        digits = max((n for c, n in alternatives(rule) if c == "N"), default=9)
        numbers = st.integers(0, 10**digits - 1)
        text = valid_text(rule, required)
        return (
            numbers.filter(lambda n: bool(rule.regex is None or rule.regex.match(str(n))))
        ) | text
    return valid_text(rule, required)


@functools.cache
def valid_request(fn: FunctionSpec[Any, Any]) -> st.SearchStrategy[dict[str, Any]]:
    to_keyword = {w: k for k, w in fn.keywords.items()}
    fields = fn.request_fields
    return st.fixed_dictionaries(
        {to_keyword[n]: valid_value(r, True) for n, r in fields.items() if r.required},
        optional={
            to_keyword[n]: valid_value(r, False) for n, r in fields.items() if not r.required
        },
    )


def refused(rule: FieldRule, value: str) -> bool:
    if UNSENDABLE.search(value):
        return True
    if rule.enum_values is not None:
        if value in rule.enum_values or value == "":
            return False
        if rule.enum_closed or value in rule.enum_returned_only:
            return True
        # An open list sends an unknown value (with a warning) if it fits the field's format.
    if value == "" and rule.empty_allowed:
        return False
    # fullmatch: a format's "$" would let a final newline through
    return rule.regex is not None and not rule.regex.fullmatch(value)


def invalid_value(rule: FieldRule) -> st.SearchStrategy[Any]:
    """A value ``rule`` refuses: too long, a character outside the charset, letters in numbers,
    outside the enum, or of a wrong type."""
    if rule.kind == "boolean":
        return st.sampled_from(["yes", "1", "TRUE", "vrai"]) | st.integers(2, 9)
    longest = max((n for _, n in alternatives(rule)), default=0)
    options: list[st.SearchStrategy[Any]] = []
    if longest:
        alphabet = "19" if all(c == "N" for c, _ in alternatives(rule)) else "A7"
        options.append(
            st.tuples(st.sampled_from(alphabet), st.integers(1, 9)).map(
                lambda t: t[0] * (longest + t[1])
            )
        )
    inserted = st.tuples(valid_text(rule, False), st.sampled_from(BAD_CHARS), st.integers(0, 99))
    options.append(inserted.map(lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]))
    if rule.enum_values is not None:
        options.append(st.text(min_size=1, max_size=30))
    options.append(st.sampled_from([1.5, ["x"], {"a": "b"}]))  # bytes are decoded, then checked
    if rule.kind == "integer":
        options.append(st.sampled_from(["12a", "-5", "1e3", "0x1F", " 7"]))
        options.append(st.integers(max_value=-1))
    else:
        options.append(st.integers() | st.booleans())
    return st.one_of(options).filter(lambda v: not isinstance(v, str) or refused(rule, v))


# ---------------------------------------------------------------- clients


class BothWires:
    """A transport that puts each call on both wires (JSON text and SOAP envelope) without a
    network, then answers a sealed 00: a valid request must survive both serialisations."""

    protocol = "both"
    soap = SoapCodec(
        DICTIONARY.soap_path,
        {name: s.soap_namespace for name, s in DICTIONARY.services.items()},
        DICTIONARY.list_items,
    )

    def __init__(self) -> None:
        self.calls: list[sogenactif.WireCall] = []

    def send(self, call: sogenactif.WireCall) -> dict[str, Any]:
        self.calls.append(call)
        json.dumps(call.fields, ensure_ascii=False).encode("utf-8")
        self.soap.encode(call)
        return sealed({"responseCode": "00"}, SECRET_KEY)

    async def send_async(self, call: sogenactif.WireCall) -> dict[str, Any]:
        return self.send(call)

    def close(self) -> None:
        pass

    async def aclose(self) -> None:
        pass


def client_with(transport: BothWires, kind: str = "sync") -> Any:
    """A ``Client`` or (``kind="async"``) an ``AsyncClient`` over ``transport``: the properties
    below hold for both, as both check through the same core."""
    return either_client(kind, merchant_id=MERCHANT_ID, secret_key=SECRET_KEY, transport=transport)


def method_of(client: Any, attr: str, method: str) -> Any:
    return getattr(getattr(client, attr), method)


# ---------------------------------------------------------------- properties


@pytest.mark.parametrize("kind", ["sync", "async"])
@SETTINGS
@given(data=st.data())
def test_out_of_format_values_are_refused_naming_the_field(kind: str, data: st.DataObject) -> None:
    attr, method, fn = data.draw(st.sampled_from(FUNCTIONS), label="function")
    path, rule = data.draw(st.sampled_from(leaves(fn)), label="field")
    bad = data.draw(invalid_value(rule), label="value")
    keywords = request_with(fn, path, bad)
    transport = BothWires()
    with pytest.raises(sogenactif.RequestValidationError) as info:
        method_of(client_with(transport, kind), attr, method)(**keywords)
    error = info.value
    assert wire_path(path) in error.fields, (error.fields, str(error))
    assert transport.calls == []
    assert error.may_have_reached_server is False
    if isinstance(bad, str) and len(bad) >= 8:
        assert bad not in str(error) and bad not in repr(error)


@pytest.mark.parametrize("kind", ["sync", "async"])
@SETTINGS
@given(data=st.data())
def test_valid_requests_are_never_refused(kind: str, data: st.DataObject) -> None:
    attr, method, fn = data.draw(st.sampled_from(FUNCTIONS), label="function")
    keywords = data.draw(valid_request(fn), label="request")
    transport = BothWires()
    response = method_of(client_with(transport, kind), attr, method)(**keywords)
    assert response.raw["responseCode"] == "00" and response.sealed
    (call,) = transport.calls
    for keyword, value in keywords.items():
        wire = fn.keywords[keyword]
        if fn.request_fields[wire].kind == "integer" and value != "":
            assert call.fields[wire] == str(int(value))  # "007" is sent as "7"
        elif isinstance(value, str) and value:
            assert call.fields[wire] == value


@pytest.mark.parametrize(
    ("attr", "method", "fn"), FUNCTIONS, ids=[f[2].qualified_name for f in FUNCTIONS]
)
def test_each_required_field_is_named_when_missing(
    attr: str, method: str, fn: FunctionSpec[Any, Any]
) -> None:
    required = [n for n, r in fn.request_fields.items() if r.required]
    full = keywords_of(fn, {n: minimal(r) for n, r in fn.request_fields.items() if r.required})
    transport = BothWires()
    method_of(client_with(transport), attr, method)(**full)  # the minimal request is valid
    for name in required:
        keyword = next(k for k, w in fn.keywords.items() if w == name)
        without = {k: v for k, v in full.items() if k != keyword}
        with pytest.raises(sogenactif.RequestValidationError) as info:
            method_of(client_with(transport), attr, method)(**without)
        assert info.value.fields == [name]
        assert "is required" in str(info.value)


def test_unknown_keyword_is_refused_by_name() -> None:
    transport = BothWires()
    with pytest.raises(sogenactif.RequestValidationError) as info:
        client_with(transport).token.payment_token_generate(card_numbr="4100000000000000")  # type: ignore[call-arg]
    assert info.value.fields == ["card_numbr"]
    assert "4100000000000000" not in str(info.value)
    assert transport.calls == []


# ---------------------------------------------------------------- fields of later versions


@pytest.fixture(scope="module")
def older_client(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A client generated for 2.53 from the real spec in which every other optional request
    field of every function is moved to 2.55."""
    root = tmp_path_factory.mktemp("spec") / "spec"
    shutil.copytree(ROOT / "spec", root)
    envelope = {"interfaceVersion", "merchantId", "keyVersion", "seal", "sealAlgorithm"}
    for path in sorted((root / "services").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text())
        for function in doc["functions"].values():
            optional = [
                u
                for u in function["request"]
                if isinstance(u, dict)
                and u.get("presence") == "optional"
                and u["field"] not in envelope
            ]
            for use in optional[::2]:
                use["since"] = "2.55"
        path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    out = tmp_path_factory.mktemp("v253")
    code = generator_main(
        ["generate", "--spec", str(root), "--interface-version", "2.53", "--output", str(out)]
    )
    assert code == 0
    return out


METHODS = {fn.name: method for _, method, fn in FUNCTIONS}
LATER_SCRIPT = """
import importlib, json, pkgutil, sys
from hypothesis import given, settings, strategies as st
import sogenactif
import sogenactif.services
from sogenactif._dictionary import DICTIONARY
from sogenactif_core._metadata import FunctionSpec

methods = json.loads(sys.argv[1])

def handler(call):
    raise AssertionError("sent: " + call.function)

client = sogenactif.Client(merchant_id="201040040170001", secret_key="k",
                           transport=sogenactif.MockTransport(handler))
cases = []
for info in pkgutil.iter_modules(sogenactif.services.__path__):
    module = importlib.import_module("sogenactif.services." + info.name)
    for fn in vars(module).values():
        if isinstance(fn, FunctionSpec):
            attr, method = DICTIONARY.services[fn.service].attribute, methods[fn.name]
            for keyword, wire in fn.keywords.items():
                if wire in fn.later_fields:
                    cases.append((attr, method, keyword, wire, fn.later_fields[wire]))
assert cases, "no later fields"
checked = set()

@settings(max_examples=150, deadline=None, database=None)
@given(st.sampled_from(cases), st.one_of(st.text(max_size=20), st.integers(), st.booleans()))
def refused(case, value):
    attr, method, keyword, wire, since = case
    try:
        getattr(getattr(client, attr), method)(**{keyword: value})
    except sogenactif.RequestValidationError as exc:
        assert exc.fields == [wire], (exc.fields, wire)
        assert "introduced in interface version " + since in str(exc), str(exc)
        checked.add(wire)
    else:
        raise AssertionError("accepted " + wire)

refused()
# and every one of them, exhaustively
for attr, method, keyword, wire, since in cases:
    try:
        getattr(getattr(client, attr), method)(**{keyword: "1"})
    except sogenactif.RequestValidationError as exc:
        assert exc.fields == [wire]
    else:
        raise AssertionError("accepted " + wire)
print(json.dumps({"cases": len(cases), "version": sogenactif.INTERFACE_VERSION}))
"""


def test_fields_newer_than_the_target_version_are_refused_by_name(older_client: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(LATER_SCRIPT), json.dumps(METHODS)],
        env={
            "PYTHONPATH": f"{older_client}:{ROOT / 'runtime'}",
            "PATH": "/usr/bin:/bin",
            "HOME": str(older_client),
        },
        capture_output=True,
        text=True,
        check=False,
        cwd=older_client,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["version"] == "2.53" and report["cases"] > 20


@pytest.mark.parametrize(
    ("keywords", "field"),
    [
        ({"card_number": "4100000000000000\n"}, "cardNumber"),  # "$" matches before a final \n
        ({"card_csc_value": "123\t"}, "cardCSCValue"),
    ],
)
def test_control_characters_are_refused(keywords: dict[str, Any], field: str) -> None:
    transport = BothWires()
    with pytest.raises(sogenactif.RequestValidationError) as info:
        client_with(transport).token.payment_token_generate(**keywords)
    assert info.value.fields == [field] and transport.calls == []


@pytest.mark.parametrize("amount", ["+5", " 7", "7\n", "1_000", "7.0", "-0", 7.0, True, -5])
def test_amounts_are_digits_or_whole_numbers(amount: Any) -> None:
    """Pydantic would read each of these as an integer; for an amount each is a caller's bug."""
    transport = BothWires()
    with pytest.raises(sogenactif.RequestValidationError) as info:
        client_with(transport).checkout.card_order(
            amount=amount, currency_code="978", transaction_reference="R1"
        )
    assert info.value.fields == ["amount"] and transport.calls == []


def test_amount_as_int_or_digits_is_sent_as_digits() -> None:
    transport = BothWires()
    client = client_with(transport)
    for amount in (1050, "1050", "0001050"):
        client.checkout.card_order(amount=amount, currency_code="978", transaction_reference="R1")
    assert [c.fields["amount"] for c in transport.calls] == ["1050"] * 3


@pytest.mark.parametrize("amount", ["0", "00", "000", 0])
def test_a_zero_amount_in_any_number_of_digits_is_sent_as_0(amount: Any) -> None:
    """A zero amount (an account check) is valid however it is written: pydantic 2.7.0 refused
    "00", found by the oldest-dependencies run, and the declared floor is now 2.7.1."""
    transport = BothWires()
    client_with(transport).checkout.card_order(amount=amount, currency_code="978")
    assert transport.calls[0].fields["amount"] == "0"


def test_the_client_refuses_exactly_the_unsendable_characters() -> None:
    """The core lists the characters it refuses; this suite's oracle is the complement of those
    XML 1.0 and UTF-8 carry: the same set, over all of Unicode."""
    from sogenactif_core._wire import _UNSENDABLE

    differ = [
        c
        for c in range(0x110000)
        if (_UNSENDABLE.search(chr(c)) is None) != (UNSENDABLE.search(chr(c)) is None)
    ]
    assert differ == []
    # The seal string is searched only when str.isprintable() says it holds something else
    # than printable characters (_wire._may_be_unsendable): never true of an unsendable one.
    printable = [c for c in range(0x110000) if UNSENDABLE.search(chr(c)) and chr(c).isprintable()]
    assert printable == []


@pytest.mark.parametrize(
    "items",
    [
        [{"": None, None: None}],  # found by the fuzzing of test_trust (a TypeError then)
        [{None: "x", "panId": "1"}],
        [{"panId": "1", 2: "y"}, {"panId": "1", 2: "y"}],
        [{"panId": "1", "panData": "2"}, {"panId": "1", 7: "2"}],
    ],
)
@pytest.mark.parametrize("kind", ["sync", "async"])
def test_list_items_with_keys_that_are_not_text_are_refused_by_name(
    kind: str, items: list[dict[Any, Any]]
) -> None:
    transport = BothWires()
    with pytest.raises(sogenactif.RequestValidationError) as info:
        client_with(transport, kind).token.pan_to_token(pan_data_list=items)
    assert info.value.fields and all(f.startswith("panDataList[") for f in info.value.fields)
    assert "keys should be strings" in str(info.value) and transport.calls == []


# --------------------------------------------------------------------------- timeouts


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"timeout": "30"}, "timeout"),
        ({"timeout": float("inf")}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"timeout": 1e12}, "timeout"),  # past what the platform's waits can hold
        ({"timeout": 86_401}, "timeout"),
        ({"timeout": -1}, "timeout"),
        ({"timeout": True}, "timeout"),
        ({"timeout": (1.0,)}, "timeout"),
        ({"timeout": (None, 5)}, "connect timeout"),
        ({"timeout": (5, float("inf"))}, "timeout"),
        ({"timeout": 5, "connect_timeout": float("inf")}, "connect timeout"),
        ({"timeout": 5, "connect_timeout": "1"}, "connect timeout"),
    ],
)
def test_timeouts_that_no_wait_can_hold_are_refused_by_name(
    options: dict[str, Any], named: str, kind: str
) -> None:
    """Refused as the client is made, with the option's name: not an OverflowError from a
    socket at the first call, nor a deadline thread ended by one."""
    with pytest.raises(sogenactif.ConfigurationError) as refused:
        either_client(kind, merchant_id=MERCHANT_ID, secret_key=SECRET_KEY, **options)
    assert str(refused.value).startswith(f"{named} must be")


def test_a_deadline_far_away_does_not_stop_the_watchdog() -> None:
    """Its wait is bounded: a deadline past what the platform's lock can wait for (a client's
    deadline never is, but the watchdog is shared) leaves it watching the others."""
    import threading
    import time

    from sogenactif_core._watchdog import WATCHDOG

    fired = threading.Event()
    far = WATCHDOG.watch(time.monotonic() + 1e12, lambda: None)
    time.sleep(0.05)  # the thread waits for the far deadline now
    near = WATCHDOG.watch(time.monotonic() + 0.05, fired.set)
    try:
        assert fired.wait(5), "the watchdog stopped"
    finally:
        WATCHDOG.cancel(far)
        WATCHDOG.cancel(near)
    assert WATCHDOG._thread is not None and WATCHDOG._thread.is_alive()


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("value", ["a\x01b", "line\nbreak", 123, "x" * 21, b"ISP"])
def test_an_intermediate_service_provider_id_outside_its_format_is_refused(
    value: Any, kind: str
) -> None:
    """It goes into every request's envelope, where the request checks do not look: a control
    character used to break the SOAP body and a number went out as a JSON number."""
    with pytest.raises(sogenactif.ConfigurationError) as refused:
        either_client(
            kind,
            merchant_id=MERCHANT_ID,
            secret_key=SECRET_KEY,
            intermediate_service_provider_id=value,
        )
    assert str(refused.value).startswith("intermediate_service_provider_id must be")
    assert "(ANS20)" in str(refused.value)
    client = either_client(
        kind,
        merchant_id=MERCHANT_ID,
        secret_key=SECRET_KEY,
        intermediate_service_provider_id="ISP-1 é",
    )
    assert client.intermediate_service_provider_id == "ISP-1 é"
    client.close()


# --------------------------------------------------------------------------- connection options

TLS = ROOT / "tests" / "tls"


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"proxies": ["http://p:1"]}, "proxies must be a mapping"),
        ({"proxies": {"http": 123}}, "proxies['http'] must be an http:// or https:// proxy URL"),
        ({"proxies": {"https": "socks5://p:1"}}, "proxies['https'] must be"),
        ({"proxies": {"https": "p:1"}}, "proxies['https'] must be"),
        ({"proxies": {"https": "http://"}}, "proxies['https'] must be"),  # no host
        ({"proxies": {"https": "http://:3128"}}, "proxies['https'] must be"),
        ({"proxies": {"https": "http://proxy:99999"}}, "proxies['https'] must be"),  # no port
        ({"proxies": {"https": "http://[::1"}}, "proxies['https'] must be"),
        ({"proxies": {"https": "http://pro xy:3128"}}, "proxies['https'] must be"),
        ({"proxies": {"https": f"http://{'p' * 64}.example:3128"}}, "proxies['https'] must be"),
        # requests' per-host keys: refused, else the calls would go out without the proxy
        ({"proxies": {"https://office-server.example": "http://p:1"}}, "proxies: 'https://"),
        ({"verify": 1}, "verify must be True, False or the path"),
        ({"verify": ""}, "verify must be True, False or the path"),
        ({"verify": "/no/such/bundle.pem"}, "verify: no CA bundle at"),
        ({"cert": 1}, "cert must be the path"),
        ({"cert": ("a.pem",)}, "cert must be the path"),
        ({"cert": "/no/such/cert.pem"}, "cert: no file at"),
        ({"trust_env": "false"}, "trust_env must be True or False"),
        ({"require_response_seal": "no"}, "require_response_seal must be True or False"),
        ({"accept_unsigned_test_responses": "false"}, "accept_unsigned_test_responses must be"),
        # A base URL neither sender can connect to: accepted by the sync client, then failing at
        # the first call; a raw ValueError from the async one.
        ({"environment": "http://[::1"}, "environment must be one of"),
        ({"environment": "http://127.0.0.1:99999"}, "environment must be one of"),
        ({"environment": f"https://{'h' * 64}.example"}, "environment must be one of"),
        # A transport without what the client calls, or the class instead of an instance.
        ({"transport": object()}, "transport must be a transport object"),
        ({"transport": sogenactif.MockTransport}, "(a class: pass an instance)"),
    ],
)
def test_connection_options_are_checked_when_the_client_is_made(
    options: dict[str, Any], message: str, kind: str
) -> None:
    with pytest.raises(sogenactif.ConfigurationError) as refused:
        either_client(kind, merchant_id=MERCHANT_ID, secret_key=SECRET_KEY, **options)
    assert message in str(refused.value)


def test_a_proxy_password_is_never_shown_when_its_url_is_refused() -> None:
    with pytest.raises(sogenactif.ConfigurationError) as refused:
        sogenactif.Client(
            merchant_id=MERCHANT_ID,
            secret_key=SECRET_KEY,
            proxies={"https": "socks5://user:s3cr3tpw@proxy:1080"},
        )
    assert "s3cr3tpw" not in str(refused.value) and "user" not in str(refused.value)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_good_connection_options_are_taken_as_given(kind: str) -> None:
    client = either_client(
        kind,
        merchant_id=MERCHANT_ID,
        secret_key=SECRET_KEY,
        proxies={"https": "http://user:pw@proxy.example:3128", "http": None, "all": ""},
        verify=TLS / "localhost.pem",  # a path object
        cert=(TLS / "localhost.pem", str(TLS / "localhost-key.pem")),
        trust_env=False,
    )
    options = client.connection_options
    assert options.proxies == {"https": "http://user:pw@proxy.example:3128"}
    assert options.verify == str(TLS / "localhost.pem")
    assert options.cert == (str(TLS / "localhost.pem"), str(TLS / "localhost-key.pem"))
    client.close()


def test_the_async_client_names_a_certificate_it_cannot_load(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(sogenactif.ConfigurationError, match=r"^cert: the client certificate"):
        sogenactif.AsyncClient(merchant_id=MERCHANT_ID, secret_key=SECRET_KEY, cert=str(junk))
    with pytest.raises(sogenactif.ConfigurationError, match=r"^verify: the CA bundle"):
        sogenactif.AsyncClient(merchant_id=MERCHANT_ID, secret_key=SECRET_KEY, verify=str(junk))


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    ("source", "missing"),
    [
        ("verify", False),  # a missing file named by an option: refused when the client is made
        ("cert", False),
        ("REQUESTS_CA_BUNDLE", True),
        ("REQUESTS_CA_BUNDLE", False),
        ("CURL_CA_BUNDLE", True),
        ("CURL_CA_BUNDLE", False),
    ],
)
def test_certificates_that_cannot_be_loaded_are_named_alike_by_both_clients(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, source: str, missing: bool
) -> None:
    """A CA bundle or client certificate that is missing or not PEM, from an option or from the
    environment: a ConfigurationError naming where it came from, on both clients (the async
    client when it is made, the sync one at its first HTTPS call, before anything is sent). The
    sync client used to report it as a ConnectError "safe to send again", which a RetryPolicy
    would have sent again for nothing."""
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    bad = tmp_path / "bad.pem"
    if not missing:
        bad.write_text("not a certificate")
    options: dict[str, Any] = {
        "merchant_id": MERCHANT_ID,
        "secret_key": SECRET_KEY,
        "environment": "https://127.0.0.1:9",
    }
    if source in ("verify", "cert"):
        options[source] = str(bad)
        expected = {"verify": "verify: the CA bundle", "cert": "cert: the client certificate"}
    else:
        monkeypatch.setenv(source, str(bad))
        expected = {source: f"{source}: the CA bundle at {str(bad)!r}"}
    with pytest.raises(sogenactif.ConfigurationError) as refused:
        if kind == "sync":
            sogenactif.Client(**options).token.payment_token_generate(
                card_number="4100000000000000"
            )
        else:
            pytest.importorskip("httpx")
            sogenactif.AsyncClient(**options)
    assert str(refused.value).startswith(expected[source])
    assert "could not be loaded" in str(refused.value)


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    "environment", ["http://user:s3cr3t@127.0.0.1:9", "https://s3cr3t@gateway.example/x?y"]
)
def test_a_base_url_with_credentials_is_refused_without_showing_them(
    environment: str, kind: str
) -> None:
    """They would show in every error message naming the URL, and only one of the two clients
    would send them (httpx does, urllib3 does not)."""
    with pytest.raises(sogenactif.ConfigurationError) as refused:
        either_client(kind, merchant_id=MERCHANT_ID, secret_key=SECRET_KEY, environment=environment)
    assert str(refused.value).startswith("environment: a base URL without a user or password")
    assert "s3cr3t" not in str(refused.value)
