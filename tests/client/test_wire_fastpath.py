"""The request encoder's shortcuts (``FieldRule.quick``, required names worked out once) never
accept a value the dictionary's format refuses, and never change which problems are reported."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sogenactif.services
from sogenactif_core import _wire
from sogenactif_core._masked import reveal_all
from sogenactif_core._metadata import FieldRule, FunctionSpec


def _functions() -> list[FunctionSpec[Any, Any]]:
    found: list[FunctionSpec[Any, Any]] = []
    for info in pkgutil.iter_modules(sogenactif.services.__path__):
        module = importlib.import_module(f"sogenactif.services.{info.name}")
        found += [v for v in vars(module).values() if isinstance(v, FunctionSpec)]
    return found


FUNCTIONS = _functions()


def _all_rules() -> list[FieldRule]:
    found: dict[int, FieldRule] = {}

    def add(rule: FieldRule) -> None:
        if id(rule) in found:
            return
        found[id(rule)] = rule
        for child in (rule.children or {}).values():
            add(child)
        if rule.item is not None:
            add(rule.item)

    for fn in FUNCTIONS:
        for rule in fn.request_fields.values():
            add(rule)
    return list(found.values())


RULES = [r for r in _all_rules() if r.quick is not None and r.enum_values is None and r.is_text]
texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=140),
    st.text(alphabet="0123456789", max_size=25),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=20),
)


def test_every_text_rule_with_a_format_has_a_quick_test() -> None:
    assert RULES, "no rule to check"
    for rule in _all_rules():
        if rule.is_text and rule.format and rule.pattern is None:
            charsets = {part.rstrip("0123456789") for part in rule.format.split("|")}
            if charsets & {"N", "AN", "A", "AS", "NS", "ANS", "ANU", "ANSU"}:
                assert rule.quick is not None, rule.name


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(RULES), texts)
def test_quick_never_accepts_what_the_format_refuses(rule: FieldRule, value: str) -> None:
    problems: list[tuple[str, str]] = []
    out = _wire._encode_mapping({rule.name: value}, {rule.name: rule}, (), "", problems)
    assert reveal_all(out) == {rule.name: value}  # card data comes out masked
    regex = rule.regex
    assert regex is not None
    refused = [p for p in problems if p[1].startswith("must be")]
    assert bool(refused) == (regex.fullmatch(value) is None), (rule.format, value)


def test_required_names_are_those_of_the_rules() -> None:
    for fn in FUNCTIONS:
        assert fn.required_fields == tuple(n for n, r in fn.request_fields.items() if r.required)
    for rule in _all_rules():
        assert rule.required_children == tuple(
            n for n, r in (rule.children or {}).items() if r.required
        )


values = st.recursive(
    st.one_of(st.text(max_size=6), st.sampled_from(["\ud800", "\x01", "\uffff", "\t", "é"])),
    lambda inner: st.one_of(
        st.dictionaries(st.sampled_from(["a", "b", "seal", "keyVersion", "c"]), inner, max_size=4),
        st.lists(inner, max_size=3),
    ),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["a", "b", "c", "d", "sealAlgorithm"]), values, max_size=5))
def test_unsendable_precheck_never_hides_a_problem(fields: dict[str, Any]) -> None:
    from sogenactif.seal import seal_string
    from sogenactif_core._wire import _may_be_unsendable, _unsendable_text

    try:
        text = seal_string(fields)
    except TypeError:
        return  # not sealable: never reaches the check
    if not _may_be_unsendable(fields, text):
        assert _unsendable_text(fields, "") == []


def _reference_mapping(
    values: dict[str, Any], rules: Any, prefix: str, problems: list[tuple[str, str]]
) -> dict[str, Any]:
    """The encoder before its shortcuts: every value through _encode_value, rules looked up."""
    out: dict[str, Any] = {}
    for name in sorted(values):
        value = values[name]
        if value is None:
            continue
        rule = rules.get(name)
        if rule is None:
            problems.append((prefix + name, "is not a field of this container"))
            continue
        if rule.kind == "container" and isinstance(value, dict):
            out[name] = _reference_mapping(
                value, rule.children or {}, prefix + name + ".", problems
            )
            continue
        out[name] = _wire._encode_value(value, rule, prefix + name, problems)
    for name, rule in rules.items():
        value = out.get(name)
        if rule.required and value in (None, "", [], {}):
            if not (value == "" and rule.empty_allowed):  # "" is a value there
                problems.append((prefix + name, "is required"))
    return out


scalars = st.one_of(
    texts, st.integers(-(10**13), 10**13), st.booleans(), st.none(), st.floats(allow_nan=False)
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_all_rules()), st.data())
def test_encoder_gives_what_encode_value_gives(rule: FieldRule, data: st.DataObject) -> None:
    if rule.children:
        rules = dict(rule.children)
    else:
        rules = {rule.name: rule}
    names = sorted(rules)
    chosen = data.draw(st.lists(st.sampled_from([*names, "notAField"]), max_size=6, unique=True))
    values = {name: data.draw(scalars) for name in chosen}
    required = tuple(n for n, r in rules.items() if r.required)
    expected_problems: list[tuple[str, str]] = []
    expected = _reference_mapping(values, rules, "p.", expected_problems)
    problems: list[tuple[str, str]] = []
    encoded = _wire._encode_mapping(values, rules, required, "p.", problems)
    assert reveal_all(encoded) == expected
    assert problems == expected_problems


# --------------------------------------------------------------------------- keyword fast path


def _value_for(rule: FieldRule, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values a caller might pass for ``rule``: mostly plausible, some of every awkward kind."""
    good, awkward = _good_value_for(rule, depth), _awkward_value_for(rule, depth)
    # one_of would flatten the branches of both (most of them awkward): one draw in eight is.
    return st.integers(0, 7).flatmap(lambda i: awkward if i == 7 else good)


def _good_value_for(rule: FieldRule, depth: int) -> st.SearchStrategy[Any]:
    if rule.kind == "container":
        if depth > 2 or not rule.children:
            return st.just({})
        children = rule.children
        return st.fixed_dictionaries(
            {n: _value_for(children[n], depth + 1) for n in rule.required_children},
            optional={n: _value_for(r, depth + 1) for n, r in children.items() if not r.required},
        )
    if rule.kind == "list":
        assert rule.item is not None
        return st.lists(_value_for(rule.item, depth + 1), max_size=3)
    if rule.kind == "integer":
        return st.one_of(st.integers(0, 10**12), st.integers(0, 10**6).map(str))
    if rule.enum_values:
        return st.sampled_from(sorted(rule.enum_values))
    if rule.regex is not None:
        matching = st.from_regex(rule.regex, fullmatch=True)
        return st.one_of(matching, st.just("")) if rule.empty_allowed else matching
    return st.text(max_size=6)


def _awkward_value_for(rule: FieldRule, depth: int = 0) -> st.SearchStrategy[Any]:
    awkward = st.one_of(
        st.none(), st.just(""), st.booleans(), st.floats(allow_nan=False), st.just("0100")
    )
    if rule.kind == "container":
        if depth > 2 or not rule.children:
            return awkward
        names = sorted(rule.children)
        snake_case = st.dictionaries(  # the model takes these names too; the wire does not
            st.sampled_from(names).map(
                lambda n: "".join("_" + c.lower() if c.isupper() else c for c in n)
            ),
            st.text(alphabet="0123456789", min_size=1, max_size=3),
            min_size=1,
            max_size=2,
        )
        plain = st.fixed_dictionaries(
            {},
            optional={n: _value_for(rule.children[n], depth + 1) for n in names},
        )
        return st.one_of(plain, plain, snake_case, awkward)
    if rule.kind == "list":
        assert rule.item is not None
        return st.one_of(
            st.lists(_value_for(rule.item, depth + 1), max_size=3),
            st.tuples(_value_for(rule.item, depth + 1)),
            awkward,
        )
    if rule.kind == "integer":
        return st.one_of(
            st.integers(-5, 10**12),
            st.integers(0, 10**6).map(str),
            st.sampled_from(["007", "0", "+5", " 7", "1_000", "7.0", "٣"]),
            awkward,
        )
    if rule.enum_values:
        return st.one_of(st.sampled_from(sorted(rule.enum_values)), st.text(max_size=5), awkward)
    return st.one_of(
        st.text(alphabet="0123456789", min_size=1, max_size=19),
        st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30),
        st.text(max_size=8),
        st.integers(0, 99),
        awkward,
    )


@st.composite
def _keyword_calls(draw: st.DrawFn) -> tuple[FunctionSpec[Any, Any], dict[str, Any]]:
    fn = draw(st.sampled_from(FUNCTIONS))
    by_wire = {wire: kw for kw, wire in fn.keywords.items()}
    names = sorted(fn.request_fields)
    chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=8))
    for required in fn.required_fields:  # usually complete enough to get through
        if required not in chosen and draw(st.sampled_from([True] * 9 + [False])):
            chosen.append(required)
    given = {by_wire[n]: draw(_value_for(fn.request_fields[n])) for n in chosen}
    return fn, {k: v for k, v in given.items() if v is not None}


def _model_path(fn: FunctionSpec[Any, Any], given: dict[str, Any]) -> dict[str, Any] | None:
    from sogenactif_core._client_core import _request_model
    from sogenactif_core._errors import RequestValidationError

    try:
        return _wire.encode_request(fn, _request_model(fn, given))
    except RequestValidationError:
        return None


@settings(max_examples=800, deadline=None)
@given(_keyword_calls())
def test_keyword_fast_path_gives_what_the_model_path_gives(
    call: tuple[FunctionSpec[Any, Any], dict[str, Any]],
) -> None:
    fn, given = call
    fast = _wire.encode_keywords(fn, given)
    if fast is not None:
        assert _masks(fast) == _masks(_model_path(fn, given))  # masked alike, kinds too
        assert list(fast) == sorted(fast)


def test_keyword_fast_path_takes_the_guide_sample() -> None:
    from bench.samples import CARD_ORDER_KEYWORDS
    from sogenactif.services.checkout import CARD_ORDER

    fast = _wire.encode_keywords(CARD_ORDER, CARD_ORDER_KEYWORDS)
    assert fast is not None  # else every benchmark call would take the model path
    assert fast == _model_path(CARD_ORDER, CARD_ORDER_KEYWORDS)


def test_keyword_fast_path_leaves_converted_values_to_the_model() -> None:
    from sogenactif.models.common import ShoppingCartDetail
    from sogenactif.services.checkout import CARD_ORDER

    base = {"amount": 100, "currency_code": "978"}
    assert _wire.encode_keywords(CARD_ORDER, base) is not None
    for extra in (
        {"amount": "0100"},  # the model sends "100"
        {"amount": -1},
        {"capture_day": ""},  # the model drops it
        {"shopping_cart_detail": ShoppingCartDetail(shoppingCartTotalAmount=5)},
        {"shopping_cart_detail": {"shopping_cart_total_amount": 5}},  # snake_case member
        {"shopping_cart_detail": {"shoppingCartItemList": ({"productQuantity": 1},)}},
        {"pan_type": "NOT_A_TYPE"},  # outside a closed list
    ):
        assert _wire.encode_keywords(CARD_ORDER, {**base, **extra}) is None, extra


def test_required_fields_of_the_rules_are_those_of_the_models() -> None:
    """The fast path checks required fields by the rules, the model path by the models: the two
    must agree at every level."""

    def model_in(annotation: Any) -> Any:
        if hasattr(annotation, "model_fields"):
            return annotation
        for arg in getattr(annotation, "__args__", ()):  # X | None, list[X]
            found = model_in(arg)
            if found is not None:
                return found
        return None

    def check(model: Any, rules: Any, where: str) -> int:
        fields = {info.alias or name: info for name, info in model.model_fields.items()}
        required = {wire for wire, info in fields.items() if info.is_required()}
        assert {n for n, r in rules.items() if r.required} == required, where
        checked = 1
        for name, rule in rules.items():
            target = rule.item if rule.kind == "list" else rule
            if target is not None and target.kind == "container" and name in fields:
                child = model_in(fields[name].annotation)
                assert child is not None, f"{where}.{name}"
                checked += check(child, target.children or {}, f"{where}.{name}")
        return checked

    checked = sum(check(fn.request_model, fn.request_fields, fn.qualified_name) for fn in FUNCTIONS)
    assert checked > len(FUNCTIONS)  # containers were reached too


# --------------------------------------------------------------------------- lists of containers
# Issue 16: a list of containers (a shopping cart) is checked as a whole by one compiled regular
# expression; whatever it accepts is exactly what the item-by-item path gives.


def _container_lists() -> list[FieldRule]:
    return [
        r
        for r in _all_rules()
        if r.kind == "list" and r.item is not None and r.item.kind == "container"
    ]


def _item_by_item(items: list[Any], item: FieldRule) -> tuple[list[Any], list[Any]]:
    problems: list[tuple[str, str]] = []
    out = [_wire._encode_value(v, item, f"x[{i}]", problems, True) for i, v in enumerate(items)]
    return out, problems


_ITEM_TEXT = st.one_of(
    st.sampled_from(["", "0", "7", "25", "007", "Physical", "CodeProd1", "é", "a\x00b", "\n"]),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60),
    st.text(alphabet="0123456789", max_size=14),
    st.text(max_size=6),
)
_ITEM_VALUE = st.one_of(_ITEM_TEXT, _ITEM_TEXT, _ITEM_TEXT, st.none(), st.integers(-1, 99))


def _plain_text_for(rule: FieldRule) -> st.SearchStrategy[Any]:
    if rule.kind == "integer":
        return st.integers(0, 10**12).map(str)
    if rule.enum_values:
        return st.sampled_from(sorted(rule.enum_values))
    if rule.regex is not None:
        return st.from_regex(rule.regex, fullmatch=True)
    return st.text(max_size=6)


@st.composite
def _item_lists(draw: st.DrawFn) -> tuple[FieldRule, list[Any]]:
    rule = draw(st.sampled_from(_container_lists()))
    item = rule.item
    assert item is not None and item.children
    names = sorted(item.children)
    shape = draw(st.lists(st.sampled_from(names), unique=True, min_size=1, max_size=len(names)))
    shape += [n for n in item.required_children if n not in shape]
    if draw(st.integers(0, 9)) == 0:
        shape.append("unknownName")
    if draw(st.booleans()):
        shape = sorted(shape)

    def member(name: str) -> Any:
        rule = item.children.get(name) if item.children else None
        if rule is None or draw(st.integers(0, 4)) == 0:
            return draw(_ITEM_VALUE)  # anything, most of it refused somewhere
        return draw(_plain_text_for(rule))  # what the dictionary accepts, usually

    def one() -> dict[str, Any]:
        keys = shape if draw(st.integers(0, 9)) else draw(st.permutations(shape))
        value = {n: member(n) for n in keys}
        if draw(st.integers(0, 9)) == 0 and value:
            value.pop(draw(st.sampled_from(sorted(value))))
        return value

    return rule, [one() for _ in range(draw(st.integers(0, 4)))]


@settings(max_examples=1500, deadline=None)
@given(_item_lists())
def test_a_list_checked_as_a_whole_gives_what_item_by_item_gives(
    case: tuple[FieldRule, list[Any]],
) -> None:
    rule, items = case
    assert rule.item is not None
    fast = _wire._encode_item_list(items, rule.item)
    if fast is not None:
        out, problems = _item_by_item(items, rule.item)
        assert problems == []
        assert [list(_masks(d).items()) for d in fast] == [list(_masks(d).items()) for d in out]
        assert all(a is not b for a, b in zip(fast, items, strict=True))  # copies


def test_the_benchmark_cart_is_checked_as_a_whole_and_a_bad_item_is_named() -> None:
    import sogenactif
    from bench.samples import card_order_with_cart
    from sogenactif.services.checkout import CARD_ORDER

    keywords = card_order_with_cart(1000)
    cart = keywords["shopping_cart_detail"]["shoppingCartItemList"]
    item = CARD_ORDER.request_fields["shoppingCartDetail"].children["shoppingCartItemList"].item  # type: ignore[index, union-attr]
    assert _wire._encode_item_list(cart, item) is not None
    fields = _wire.encode_keywords(CARD_ORDER, keywords)
    assert fields is not None
    assert fields == _model_path(CARD_ORDER, keywords)
    # The same names in another order: checked as a whole too, sent in ASCII order.
    shuffled = [dict(reversed(list(d.items()))) for d in cart]
    again = _wire._encode_item_list(shuffled, item)
    assert again is not None and [list(d) for d in again] == [sorted(d) for d in cart]
    # One bad value among a thousand: the item-by-item path names it.
    cart[500] = {**cart[500], "productCode": "x" * 51}
    assert _wire._encode_item_list(cart, item) is None
    with pytest.raises(sogenactif.RequestValidationError) as info:
        _wire.encode_request(CARD_ORDER, CARD_ORDER.request_model.model_validate(keywords))
    assert "shoppingCartDetail.shoppingCartItemList[500].productCode" in str(info.value)


# --------------------------------------------------------------------------- card numbers where
# none is expected: the keyword and whole-list paths mask them as the model path does (mask_fields
# over the dumped model), so that no library frame holds one in clear.

_LUHN_13 = "5302840034172"  # 13 digits, passes the Luhn check
_LUHN_16 = "4973019999912764"


def _masks(value: Any) -> Any:
    """``value`` with every masked value shown as (kind, value): compares the kinds too."""
    from sogenactif_core._masked import Masked

    if type(value) is Masked:
        return ("masked", value.kind, value.reveal())
    if isinstance(value, dict):
        return {k: _masks(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masks(v) for v in value]
    return value


@pytest.mark.parametrize("text", [_LUHN_13, _LUHN_16, _LUHN_16 + "\n"])
def test_a_card_number_in_free_text_is_masked_on_the_keyword_path(text: str) -> None:
    from sogenactif.services.cash_management import ACCEPT_CHALLENGE

    given = {"comment": text, "transaction_reference": "ref1"}
    fast = _wire.encode_keywords(ACCEPT_CHALLENGE, given)
    model = _model_path(ACCEPT_CHALLENGE, given)
    if text.endswith("\n"):  # no format allows it: refused on both paths
        assert fast is None and model is None
        return
    assert fast is not None and model is not None
    assert _masks(fast)["comment"] == ("masked", "pan", text)
    assert _masks(fast) == _masks(model)
    assert "53028400" not in repr(fast) and "49730199" not in repr(fast)


def test_digits_that_fail_the_luhn_check_or_name_an_identifier_stay_plain() -> None:
    from sogenactif.services.cash_management import ACCEPT_CHALLENGE

    fast = _wire.encode_keywords(ACCEPT_CHALLENGE, {"comment": "5302840034173"})
    assert fast is not None and fast["comment"] == "5302840034173"
    rule = FieldRule(name="merchantId", kind="string", format="N15")
    out = _wire._encode_mapping({"merchantId": _LUHN_13}, {"merchantId": rule}, (), "", [], True)
    assert out == {"merchantId": "5302840034172"}  # an identifier: never masked


def test_a_card_number_in_a_cart_is_masked_on_the_whole_list_path() -> None:
    from bench.samples import cart_item
    from sogenactif.services.checkout import CARD_ORDER

    item = CARD_ORDER.request_fields["shoppingCartDetail"].children["shoppingCartItemList"].item  # type: ignore[index, union-attr]
    assert item is not None
    for ordered in (True, False):
        cart = [cart_item(i) for i in range(1, 4)]
        cart[1]["productCode"] = _LUHN_13
        cart[2]["productSKU"] = "5302840034173"  # not Luhn-valid: plain
        if not ordered:
            cart = [dict(reversed(list(d.items()))) for d in cart]
        fast = _wire._encode_item_list(cart, item)
        assert fast is not None  # still checked as a whole
        out, problems = _item_by_item(cart, item)
        assert problems == []
        assert _masks(fast) == _masks(out)
        assert _masks(fast)[1]["productCode"] == ("masked", "pan", _LUHN_13)
        assert fast[2]["productSKU"] == "5302840034173"
        assert [list(d) for d in fast] == [sorted(d) for d in cart]


def test_a_name_masked_by_its_look_alone_is_left_to_the_model_path() -> None:
    from sogenactif_core import _redact
    from sogenactif_core._masked import Masked

    rule = FieldRule(name="loyaltyToken", kind="string", format="ANS20")
    rules = {"loyaltyToken": rule}
    problems: list[tuple[str, str]] = []
    _wire._encode_mapping({"loyaltyToken": "abc"}, rules, (), "", problems, True)
    assert problems == [("loyaltyToken", _wire._NOT_PLAIN)]  # encode_keywords gives None
    # The model path's values arrive masked by mask_fields, and stay so.
    masked = _redact.mask_fields({"loyaltyToken": "abc"})
    out = _wire._encode_mapping(masked, rules, (), "", problems := [])
    assert problems == [] and type(out["loyaltyToken"]) is Masked


def test_a_mark_added_later_reaches_the_plans_already_made() -> None:
    from sogenactif_core import _redact
    from sogenactif_core._masked import Masked

    name = "favouriteColourOfTheTest"
    rules = {name: FieldRule(name=name, kind="string", format="ANS20")}
    assert _wire._encode_mapping({name: "blue"}, rules, (), "", [], True) == {name: "blue"}
    try:
        _redact.add_sensitive_fields({name: "secret"})
        problems: list[tuple[str, str]] = []
        _wire._encode_mapping({name: "blue"}, rules, (), "", problems, True)
        assert problems == [(name, _wire._NOT_PLAIN)]
        out = _wire._encode_mapping(_redact.mask_fields({name: "blue"}), rules, (), "", [])
        assert type(out[name]) is Masked and out[name].kind == "secret"
    finally:
        del _redact.SENSITIVE_FIELDS[name]
        _redact.add_sensitive_fields({})  # the rules and plans forgotten again


@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_card_numbers_where_none_is_expected_go_out_sealed_and_are_logged_masked(
    protocol: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The masked values of the keyword and whole-list paths are written and sealed by their
    value: the simulator verifies the request's seal, and the DEBUG log shows none of them."""
    import logging

    from bench.samples import cart_item
    from sogenactif.testing import Simulator
    from tests.support import FUTURE

    cart = [cart_item(i) for i in range(1, 4)]
    cart[1]["productCode"] = _LUHN_16
    with Simulator() as sim, sim.client(protocol, timeout=10) as client:  # type: ignore[arg-type]
        with caplog.at_level(logging.DEBUG, logger="sogenactif"):
            paid = client.checkout.card_order(
                amount=60,
                currency_code="978",
                card_number="4100000000000000",
                card_expiry_date=FUTURE,
                transaction_reference="LUHN1",
                return_context=_LUHN_13,
                shopping_cart_detail={"shoppingCartItemList": cart},
            )
        assert paid.response_code == "00" and paid.sealed
    logged = caplog.text
    assert "checkout.cardOrder request" in logged
    assert _LUHN_13 not in logged and _LUHN_16 not in logged
    assert "****4172" in logged and "****2764" in logged
