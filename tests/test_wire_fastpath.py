"""The request encoder's shortcuts (``FieldRule.quick``, required names worked out once) never
accept a value the dictionary's format refuses, and never change which problems are reported."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import sogenactif.services
from sogenactif import _wire
from sogenactif._metadata import FieldRule, FunctionSpec


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

    for info in pkgutil.iter_modules(sogenactif.services.__path__):
        module = importlib.import_module(f"sogenactif.services.{info.name}")
        for value in vars(module).values():
            if isinstance(value, FunctionSpec):
                for rule in value.request_fields.values():
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
    assert out == {rule.name: value}
    regex = rule.regex
    assert regex is not None
    refused = [p for p in problems if p[1].startswith("must be")]
    assert bool(refused) == (regex.match(value) is None), (rule.format, value)


def test_required_names_are_those_of_the_rules() -> None:
    for info in pkgutil.iter_modules(sogenactif.services.__path__):
        module = importlib.import_module(f"sogenactif.services.{info.name}")
        for value in vars(module).values():
            if isinstance(value, FunctionSpec):
                fn: FunctionSpec[Any, Any] = value
                assert fn.required_fields == tuple(
                    n for n, r in fn.request_fields.items() if r.required
                )
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
    from sogenactif._wire import _may_be_unsendable, _unsendable_text

    if not _may_be_unsendable(fields):
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
        if rule.required and out.get(name) in (None, "", [], {}):
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
    assert _wire._encode_mapping(values, rules, required, "p.", problems) == expected
    assert problems == expected_problems
