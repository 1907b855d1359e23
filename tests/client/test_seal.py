"""The seal: recomputed vectors of the fact sheet (section 3.2), built from field dictionaries,
and Hypothesis properties of the rules (order, nesting, exclusions, nulls, UTF-8, ASCII order)."""

from __future__ import annotations

import hashlib
import hmac
import random
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sogenactif.seal import (
    ALGORITHMS,
    EXCLUDED_FIELDS,
    compute_seal,
    compute_seal_of_string,
    seal_string,
    verify_seal,
)

# V1 (Sherlock's "Validation du calcul de seal"): the customerContact container's value stands where
# the container's name sorts; keyVersion is left out.
V1_FIELDS: dict[str, Any] = {
    "amount": "2500",
    "automaticResponseUrl": "https://automatic-response-url.fr/",
    "captureDay": "0",
    "captureMode": "AUTHOR_CAPTURE",
    "currencyCode": "978",
    "customerContact": {"email": "customer@email.com"},
    "interfaceVersion": "IR_WS_2.22",
    "keyVersion": "1",
    "merchantId": "011223344550000",
    "normalReturnUrl": "https://normal-return-url/",
    "orderChannel": "INTERNET",
    "orderId": "ORD101",
    "returnContext": "ReturnContext",
    "transactionOrigin": "SO_WEBAPPLI",
    "transactionReference": "TREFEXA2012",
}
V1_STRING = (
    "2500https://automatic-response-url.fr/0AUTHOR_CAPTURE978customer@email.comIR_WS_2.22"
    "011223344550000https://normal-return-url/INTERNETORD101ReturnContextSO_WEBAPPLITREFEXA2012"
)


def test_v1_container_vector() -> None:
    shuffled = dict(reversed(list(V1_FIELDS.items())))
    assert seal_string(shuffled) == V1_STRING
    assert (
        compute_seal(shuffled, "secret123")
        == "322b943d833417c1570e0a282641e8e29d6a5b968c9b846694b5610e18ab5b81"
    )


def test_v2_flat_vector() -> None:
    fields = {k: v for k, v in V1_FIELDS.items() if k != "customerContact"}
    assert (
        compute_seal(fields, "secret123")
        == "e4d75c6a779adee5850192d1ecc162ca0c85e960cb00d9923879609f89739152"
    )


def test_v7_vector_from_fields() -> None:
    fields = {
        "c": "test!",
        "a": "This ",
        "b": {"y": "a ", "x": "is "},
        "sealAlgorithm": "HMAC-SHA-256",
    }
    assert seal_string(fields) == "This is a test!"
    assert (
        compute_seal(fields, "superSafeSecretKey")
        == "198e5f278e3f8548e174e84492953c4871732278b7e2aa2cbf20bb1ab85914ea"
    )


def test_legacy_sha256_is_sha256_of_data_then_key() -> None:
    """V3's formula. The sheet elides part of V3's input ("…"), so its published digest
    (ac2332b5…) cannot be rebuilt here: this checks the formula on a string of the same shape."""
    data = (
        "automaticResponseURL=https://automatic-response-url.fr/|normalReturnURL=https://normal-return-url/"
        "|captureDay=0|captureMode=AUTHOR_CAPTURE|merchantId=011223344550000|amount=2500"
        "|orderChannel=INTERNET|currencyCode=978|keyVersion=1|transactionReference=TREFEXA2012"
        "|customerContact.email=customer@email.com"
    )
    expected = hashlib.sha256((data + "secret123").encode()).hexdigest()
    assert compute_seal_of_string(data, "secret123", "SHA-256") == expected


def test_sha512_and_sha256_variants() -> None:
    data = seal_string(V1_FIELDS)
    assert (
        compute_seal(V1_FIELDS, "k", "HMAC-SHA-512")
        == hmac.new(b"k", data.encode(), "sha512").hexdigest()
    )
    assert (
        compute_seal(V1_FIELDS, "k", "SHA-256") == hashlib.sha256((data + "k").encode()).hexdigest()
    )
    with pytest.raises(ValueError, match="MD5") as info:
        compute_seal(V1_FIELDS, "a-secret-key", "MD5")
    assert "a-secret-key" not in str(info.value)


def test_ascii_not_case_insensitive_order() -> None:
    # The guide's own example: authorResponseMessage sorts before authorisationId ("R" < "i").
    fields = {"authorisationId": "2", "authorResponseMessage": "1", "B": "3", "a": "4"}
    assert seal_string(fields) == "3412"  # B < a < authorResponseMessage < authorisationId


def test_scalars_lists_and_refusals() -> None:
    fields = {"b": True, "c": False, "d": 7, "e": None, "f": "", "g": ["x", None, "y"], "h": []}
    assert seal_string(fields) == "truefalse7xy"
    with pytest.raises(TypeError, match=r"cart\.items\[1\]\.price is a float"):
        seal_string({"cart": {"items": [{"price": 1}, {"price": 1.5}]}})


def test_excluded_only_at_top_level() -> None:
    assert EXCLUDED_FIELDS == {"seal", "keyVersion", "sealAlgorithm"}
    assert seal_string({"c": {"keyVersion": "1", "seal": "s"}, "keyVersion": "9"}) == "1s"


def test_verify_seal() -> None:
    fields = dict(V1_FIELDS)
    fields["seal"] = compute_seal(fields, "secret123")
    assert verify_seal(fields, "secret123")
    assert verify_seal({**fields, "seal": fields["seal"].upper()}, "secret123")
    assert not verify_seal({**fields, "amount": "2501"}, "secret123")
    assert not verify_seal(fields, "secret124")
    assert not verify_seal({k: v for k, v in fields.items() if k != "seal"}, "secret123")
    assert not verify_seal({**fields, "seal": 12}, "secret123")


# --------------------------------------------------------------------------- properties

names = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=8
)
scalars = st.one_of(st.text(max_size=6), st.integers(-5, 10**12), st.booleans(), st.none())
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.dictionaries(names, inner, max_size=4),
        st.lists(st.one_of(scalars, st.dictionaries(names, inner, max_size=3)), max_size=3),
    ),
    max_leaves=12,
)
field_sets = st.dictionaries(names, values, min_size=1, max_size=6)


def _shuffle(value: Any, rng: random.Random) -> Any:
    """The same fields with key order shuffled at every level (lists keep their order)."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffle(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffle(v, rng) for v in value]
    return value


@settings(max_examples=200, deadline=None)
@given(field_sets, st.randoms(use_true_random=False))
def test_invariant_under_reordering_at_every_level(
    fields: dict[str, Any], rng: random.Random
) -> None:
    assert compute_seal(_shuffle(fields, rng), "k") == compute_seal(fields, "k")


@settings(max_examples=200, deadline=None)
@given(field_sets, names, st.text(min_size=1, max_size=5))
def test_changes_when_a_value_changes(fields: dict[str, Any], name: str, text: str) -> None:
    assume(name not in EXCLUDED_FIELDS)
    before = dict(fields)
    before[name] = text
    after = dict(fields)
    after[name] = text + "x"
    assert compute_seal(before, "k") != compute_seal(after, "k")


@settings(max_examples=100, deadline=None)
@given(field_sets, st.sampled_from(sorted(EXCLUDED_FIELDS)), st.text(max_size=10))
def test_excluded_fields_do_not_matter(fields: dict[str, Any], name: str, text: str) -> None:
    assert compute_seal({**fields, name: text}, "k") == compute_seal(
        {k: v for k, v in fields.items() if k != name}, "k"
    )


@settings(max_examples=100, deadline=None)
@given(field_sets, names)
def test_null_and_absent_are_equal(fields: dict[str, Any], name: str) -> None:
    without = {k: v for k, v in fields.items() if k != name}
    assert compute_seal({**without, name: None}, "k") == compute_seal(without, "k")


@settings(max_examples=100, deadline=None)
@given(
    st.text(
        alphabet=st.characters(min_codepoint=0xA0, max_codepoint=0x2FFF), min_size=1, max_size=8
    )
)
def test_non_ascii_is_utf8_encoded_once(text: str) -> None:
    expected = hmac.new(b"k", ("a" + text).encode("utf-8"), "sha256").hexdigest()
    assert compute_seal({"x": text, "w": "a"}, "k") == expected
    double = ("a" + text).encode("utf-8").decode("latin-1").encode("utf-8")
    assert compute_seal({"x": text, "w": "a"}, "k") != hmac.new(b"k", double, "sha256").hexdigest()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=3), min_size=2, max_size=5, unique=True))
def test_list_order_matters(items: list[str]) -> None:
    assume(items != items[::-1] and "".join(items) != "".join(items[::-1]))
    assert compute_seal({"l": items}, "k") != compute_seal({"l": items[::-1]}, "k")


@settings(max_examples=50, deadline=None)
@given(field_sets, st.sampled_from(ALGORITHMS))
def test_verify_round_trip(fields: dict[str, Any], algorithm: str) -> None:
    fields = {**fields, "seal": None}
    fields["seal"] = compute_seal(fields, "key", algorithm)
    assert verify_seal(fields, "key", algorithm)


@settings(max_examples=50, deadline=None)
@given(field_sets, st.sampled_from(ALGORITHMS), st.text(min_size=1, max_size=40))
def test_a_prepared_sealer_seals_and_verifies_as_the_functions_do(
    fields: dict[str, Any], algorithm: str, key: str
) -> None:
    """What the client seals with (HMAC's keyed state prepared once, copied per seal) gives the
    one-off functions' seals, seal after seal."""
    from sogenactif_core.seal import Sealer

    sealer = Sealer(key, algorithm)
    for _ in range(2):  # the prepared state is copied, never consumed
        assert sealer.seal_of_string(seal_string(fields)) == compute_seal(fields, key, algorithm)
    signed = {**fields, "seal": compute_seal(fields, key, algorithm)}
    assert sealer.verify(signed) and sealer.verify({**signed, "seal": signed["seal"].upper()})
    assert not sealer.verify({**signed, "seal": "0" * 64}) and not sealer.verify(fields)
    assert repr(sealer) == str(sealer) == f"<Sealer {algorithm}>"  # the key never shows


def test_a_sealer_refuses_an_unknown_algorithm_and_pickling() -> None:
    import pickle

    from sogenactif_core.seal import Sealer

    with pytest.raises(ValueError, match="MD5"):
        Sealer("key", "MD5")
    with pytest.raises(TypeError, match="not picklable"):
        pickle.dumps(Sealer("key"))
