"""The seal's fast path (precompiled plans per set of names) gives exactly the string of the
reference walk, whatever the shapes, the order of calls and the changes of value types between
calls with the same names; and it never hides an error of the reference walk."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sogenactif_core import seal

names = st.sampled_from(
    ["a", "b", "B", "c", "seal", "keyVersion", "sealAlgorithm", "x1", "x2", "zz", "é"]
)
scalars = st.one_of(
    st.text(max_size=4), st.integers(-3, 10**6), st.booleans(), st.none(), st.just("")
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.dictionaries(names, inner, max_size=5),
        st.lists(st.one_of(scalars, st.dictionaries(names, inner, max_size=4)), max_size=3),
        st.tuples(scalars, scalars),
    ),
    max_leaves=14,
)
field_sets = st.dictionaries(names, values, max_size=8)


def reference(fields: dict[str, Any]) -> str:
    parts: list[str] = []
    seal._flatten(fields, parts, "", top=True)
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(st.lists(field_sets, min_size=1, max_size=6))
def test_fast_path_equals_reference_walk(sequence: list[dict[str, Any]]) -> None:
    # Several mappings in a row: plans made for one are tried (and must be refused or be right)
    # for the next ones, including same names with other value types.
    for fields in sequence:
        assert seal.seal_string(fields) == reference(fields)


def test_same_names_with_changing_types() -> None:
    first = {"a": "1", "b": "2", "c": "3", "seal": "s"}
    assert seal.seal_string(first) == "123"
    for b in (None, 7, True, {"y": "Y", "x": "X"}, ["p", None, "q"], "", "two"):
        fields = {**first, "b": b}
        assert seal.seal_string(fields) == reference(fields)


def test_other_names_of_the_same_count_are_not_confused() -> None:
    assert seal.seal_string({"a": "1", "b": "2"}) == "12"
    assert seal.seal_string({"a": "1", "c": "3"}) == "13"
    assert seal.seal_string({"b": "2", "c": "3"}) == "23"
    # Excluded names are not counted at the top level, only there.
    assert seal.seal_string({"a": "1", "b": "2", "seal": "x"}) == "12"
    assert seal.seal_string({"a": "1", "seal": "x", "keyVersion": "1"}) == "1"
    assert seal.seal_string({"n": {"a": "1", "seal": "x"}}) == "1x"


def test_errors_come_from_the_reference_walk() -> None:
    good = {"cart": {"items": [{"price": 1}, {"price": 2}]}}
    assert seal.seal_string(good) == "12"
    with pytest.raises(TypeError, match=r"cart\.items\[1\]\.price is a float"):
        seal.seal_string({"cart": {"items": [{"price": 1}, {"price": 1.5}]}})
    assert seal.seal_string(good) == "12"


def test_plan_cache_is_bounded() -> None:
    for i in range(200):
        fields = {f"k{i}": "v", f"j{i}": "w"}
        assert seal.seal_string(fields) == "wv"
    assert all(len(plans) <= seal._PLANS_PER_SIZE for plans in seal._TOP_PLANS.values())
