"""``python -m generator diff``: pairs of specs with known changes, classified as an integrator would.

Most cases use a small spec written here (so that the growing spec/ cannot shift what is reached
from requests or responses); a few use a copy of the repository's spec/.
"""

from __future__ import annotations

import ast
import copy
import importlib
import inspect
import json
import os
import re
import shutil
import string
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import sogenactif.enums
from generator.diff import (
    CATALOGUE,
    Change,
    SpecDiff,
    diff_specs,
    main,
    names,
    render_json,
    render_markdown,
    render_text,
    to_json,
)
from generator.spec import Spec, SpecError, load_spec

REPO = Path(__file__).resolve().parents[2]
PROD = "https://office-server.example.com"
TEST = "https://office-server-test.example.com"

Tree = dict[str, Any]


# --------------------------------------------------------------------------- a small spec


def _uses(*items: str) -> list[dict[str, str]]:
    """``"name"`` is optional, ``"name!"`` required."""
    return [
        {"field": i.rstrip("!"), "presence": "required" if i.endswith("!") else "optional"}
        for i in items
    ]


def _urls(service: str, function: str) -> dict[str, Any]:
    return {
        "rest": {env: f"{host}/rs-services/v2/{service}/{function}" for env, host in _HOSTS},
        "wsdl": {env: f"{host}/services/v2/{service}?wsdl" for env, host in _HOSTS},
    }


_HOSTS = (("production", PROD), ("test", TEST))


def mini() -> Tree:
    """A valid spec as data: {relative path: YAML content}."""

    def f(fmt: str, **more: Any) -> dict[str, Any]:
        return {"format": fmt, "since": "2.0", "description": more.pop("d", "A field."), **more}

    return {
        "platform.yaml": {
            "name": "Test platform",
            "latest_interface_version": "2.55",
            "environments": dict(_HOSTS),
            "rest_path": "/rs-services/v2/{service}/{function}",
            "soap_path": "/services/v2/{service}",
            "soap_namespace": "urn:sips:cn:contract:office:{service}:v2",
            "seal": {
                "default_algorithm": "HMAC-SHA-256",
                "algorithms": ["HMAC-SHA-256", "HMAC-SHA-512"],
                "excluded_fields": ["seal", "keyVersion", "sealAlgorithm"],
            },
            "envelope_fields": ["interfaceVersion", "merchantId", "keyVersion", "seal"],
        },
        "fields.yaml": {
            "interfaceVersion": f("ANS20"),
            "merchantId": f("N15"),
            "keyVersion": f("N10", type="integer"),
            "seal": f("AN128"),
            "cardNumber": f("N19", sensitive="pan", d="Card number."),
            "cardExpiryDate": f("N6"),
            "amount": f("N12", type="integer"),
            "currencyCode": f("N3"),
            "orderChannel": f("ANS20", enum="orderChannel"),
            "paymentMeanBrand": f("ANS20", enum="paymentMeanBrand"),
            "responseCode": f("N2", enum="responseCode"),
            "transactionReference": f("AN35"),
            "customerContact": {
                "type": "container",
                "container": "contact",
                "since": "2.0",
                "description": "Contact.",
            },
            "paymentToken": f("ANS1024", sensitive="token"),
            "errorFieldName": f("ANS50"),
            "paymentMeanBrandList": {
                "type": "list",
                "items": {"format": "ANS20", "enum": "paymentMeanBrand"},
                "since": "2.0",
                "description": "Brands.",
            },
        },
        "enums/orderChannel.yaml": {
            "name": "orderChannel",
            "description": "Channel.",
            "values": [
                {"value": "INTERNET", "description": "Web"},
                {"value": "MOTO", "description": "Mail or phone"},
            ],
        },
        "enums/paymentMeanBrand.yaml": {
            "name": "paymentMeanBrand",
            "description": "Brand.",
            "values": [
                {"value": "VISA", "description": "Visa"},
                {"value": "MASTERCARD", "description": "Mastercard"},
                {"value": "UNKNOWN", "description": "Unknown", "request": False},
            ],
        },
        "enums/responseCode.yaml": {
            "name": "responseCode",
            "description": "Response code.",
            "values": [
                {"value": "00", "name": "ACCEPTED", "description": "OK"},
                {"value": "05", "name": "REFUSED", "description": "Refused"},
                {"value": "12", "name": "INVALID", "description": "Invalid"},
            ],
        },
        "containers/contact.yaml": {
            "name": "contact",
            "description": "Contact details.",
            "fields": {"email": f("ANS128"), "firstname": f("ANS50")},
        },
        "services/token.yaml": {
            "service": "token",
            "description": "Tokens.",
            "interface_prefix": "TR_WS_",
            "functions": {
                "paymentTokenGenerate": {
                    "since": "2.0",
                    "description": "Generate a token.",
                    "urls": _urls("token", "paymentTokenGenerate"),
                    "request": _uses(
                        "merchantId",
                        "interfaceVersion",
                        "cardNumber",
                        "cardExpiryDate",
                        "paymentMeanBrand",
                        "keyVersion!",
                        "seal!",
                    ),
                    "response": _uses("responseCode", "paymentToken", "errorFieldName", "seal!"),
                }
            },
        },
        "services/checkout.yaml": {
            "service": "checkout",
            "description": "Payments.",
            "interface_prefix": "IR_WS_",
            "functions": {
                "cardOrder": {
                    "since": "2.0",
                    "description": "Pay by card.",
                    "request": _uses(
                        "merchantId",
                        "interfaceVersion",
                        "amount!",
                        "currencyCode!",
                        "orderChannel",
                        "transactionReference",
                        "customerContact",
                        "keyVersion!",
                        "seal!",
                    ),
                    "response": _uses(
                        "responseCode",
                        "paymentMeanBrand",
                        "transactionReference",
                        "paymentMeanBrandList",
                        "seal!",
                    ),
                },
                "cardValidateAuthentication": {
                    "since": "2.0",
                    "description": "Validate.",
                    "request": _uses("merchantId", "transactionReference!", "keyVersion!", "seal!"),
                    "response": _uses("responseCode", "seal!"),
                },
            },
        },
    }


def write(root: Path, tree: Tree) -> Path:
    for rel, data in tree.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return root


def fn(tree: Tree, service: str, function: str) -> dict[str, Any]:
    result: dict[str, Any] = tree[f"services/{service}.yaml"]["functions"][function]
    return result


def use(tree: Tree, service: str, function: str, direction: str, name: str) -> dict[str, Any]:
    return next(u for u in fn(tree, service, function)[direction] if u["field"] == name)


def values(tree: Tree, enum: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = tree[f"enums/{enum}.yaml"]["values"]
    return result


def compare(tmp_path: Path, mutate: Callable[[Tree], None], base: Tree | None = None) -> SpecDiff:
    old_tree = base or mini()
    new_tree = copy.deepcopy(old_tree)
    mutate(new_tree)
    old = load_spec(write(tmp_path / "old" / "spec", old_tree))
    new = load_spec(write(tmp_path / "new" / "spec", new_tree))
    return diff_specs(old, new, "old", "new")


def found(result: SpecDiff) -> set[tuple[str, str, str]]:
    """(id, severity, path) of every change, documentation left out."""
    return {(c.id, c.severity, c.path) for c in result.changes if c.area != "documentation"}


def only(result: SpecDiff) -> tuple[str, str, str]:
    (change,) = found(result)
    return change


def codes(change: Change) -> list[tuple[str, str]]:
    """(effect, code) of each Python name the change touches, in report order."""
    return [(n.effect, n.code) for n in change.python]


TOKEN = "token.paymentTokenGenerate"
ORDER = "checkout.cardOrder"


# --------------------------------------------------------------------------- fields


def test_same_spec_has_no_change(tmp_path: Path) -> None:
    result = compare(tmp_path, lambda t: None)
    assert result.changes == ()
    assert result.highest is None
    assert not result.fails("INFO")


def test_optional_request_field_added_is_info(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        fn(t, "token", "paymentTokenGenerate")["request"].insert(4, _uses("currencyCode")[0])

    assert only(compare(tmp_path, mutate)) == (
        "request-field-added",
        "INFO",
        f"{TOKEN}.request.currencyCode",
    )


def test_required_request_field_added_is_err(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        fn(t, "token", "paymentTokenGenerate")["request"].insert(4, _uses("amount!")[0])

    result = compare(tmp_path, mutate)
    assert only(result) == ("request-field-added-required", "ERR", f"{TOKEN}.request.amount")
    assert result.changes[0].direction == "request"
    assert result.changes[0].new == "required"


def test_response_field_added_is_info(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        fn(t, "token", "paymentTokenGenerate")["response"].insert(1, _uses("amount!")[0])

    assert only(compare(tmp_path, mutate)) == (
        "response-field-added-required",
        "INFO",
        f"{TOKEN}.response.amount",
    )


def test_request_field_removed_is_err_response_field_removed_is_warn(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        f = fn(t, "token", "paymentTokenGenerate")
        f["request"] = [u for u in f["request"] if u["field"] != "cardExpiryDate"]
        f["response"] = [u for u in f["response"] if u["field"] != "errorFieldName"]

    assert found(compare(tmp_path, mutate)) == {
        ("request-field-removed", "ERR", f"{TOKEN}.request.cardExpiryDate"),
        ("response-field-removed", "WARN", f"{TOKEN}.response.errorFieldName"),
    }


def test_field_renamed_in_place_is_reported_as_a_rename(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        t["fields.yaml"]["cardPan"] = dict(t["fields.yaml"]["cardNumber"])
        use(t, "token", "paymentTokenGenerate", "request", "cardNumber")["field"] = "cardPan"
        t["fields.yaml"]["gatewayCode"] = dict(t["fields.yaml"]["responseCode"])
        use(t, "token", "paymentTokenGenerate", "response", "responseCode")["field"] = "gatewayCode"

    result = compare(tmp_path, mutate)
    assert found(result) == {
        ("request-field-renamed", "ERR", f"{TOKEN}.request.cardPan"),
        ("response-field-renamed", "WARN", f"{TOKEN}.response.gatewayCode"),
    }
    change = next(c for c in result.changes if c.id == "request-field-renamed")
    assert "renamed from cardNumber" in change.message
    assert (change.old, change.new) == ("cardNumber", "cardPan")


def test_removed_and_added_fields_that_differ_are_no_rename(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        use(t, "token", "paymentTokenGenerate", "request", "cardExpiryDate")["field"] = (
            "currencyCode"
        )

    assert found(compare(tmp_path, mutate)) == {
        ("request-field-removed", "ERR", f"{TOKEN}.request.cardExpiryDate"),
        ("request-field-added", "INFO", f"{TOKEN}.request.currencyCode"),
    }


def test_presence_changes(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        use(t, "token", "paymentTokenGenerate", "request", "cardNumber")["presence"] = "required"
        use(t, "checkout", "cardOrder", "request", "amount")["presence"] = "optional"
        use(t, "checkout", "cardOrder", "request", "orderChannel")["presence"] = "conditional"
        use(t, "token", "paymentTokenGenerate", "response", "seal")["presence"] = "optional"
        use(t, "token", "paymentTokenGenerate", "response", "responseCode")["presence"] = "required"

    assert found(compare(tmp_path, mutate)) == {
        ("request-field-became-required", "ERR", f"{TOKEN}.request.cardNumber"),
        ("request-field-became-optional", "INFO", f"{ORDER}.request.amount"),
        ("request-field-presence-changed", "INFO", f"{ORDER}.request.orderChannel"),
        ("response-field-became-optional", "WARN", f"{TOKEN}.response.seal"),
        ("response-field-became-required", "INFO", f"{TOKEN}.response.responseCode"),
    }


def test_envelope_field_becoming_required_is_info(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        use(t, "token", "paymentTokenGenerate", "request", "merchantId")["presence"] = "required"

    result = compare(tmp_path, mutate)
    assert only(result) == ("request-field-became-required", "INFO", f"{TOKEN}.request.merchantId")
    assert "filled in by the client" in result.changes[0].message


def test_format_narrowed_on_request_widened_on_response(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        t["fields.yaml"]["cardNumber"]["format"] = "N16"  # request only
        t["fields.yaml"]["paymentToken"]["format"] = "ANS2048"  # response only
        t["fields.yaml"]["errorFieldName"]["format"] = "ANS40"  # response only, narrower
        t["fields.yaml"]["transactionReference"]["format"] = "ANS35"  # both ways

    result = compare(tmp_path, mutate)
    # A fields.yaml definition is reported once, under the field, at the highest severity of
    # the uses it changes: transactionReference is widened in two requests (INFO) and in one
    # response (WARN).
    assert found(result) == {
        ("field-format-narrowed", "ERR", "fields.cardNumber"),
        ("field-format-widened", "WARN", "fields.paymentToken"),
        ("field-format-narrowed", "INFO", "fields.errorFieldName"),
        ("field-format-widened", "WARN", "fields.transactionReference"),
    }
    narrowed = next(c for c in result.changes if c.path == "fields.cardNumber")
    assert (narrowed.old, narrowed.new) == ("N19", "N16")
    assert narrowed.direction == "request"
    assert narrowed.functions == (TOKEN,)
    assert narrowed.message.endswith(": values accepted before may be refused")
    widened = next(c for c in result.changes if c.path == "fields.transactionReference")
    assert (widened.group, widened.field, widened.direction) == (
        "field",
        "transactionReference",
        "both",
    )
    assert widened.functions == (ORDER, "checkout.cardValidateAuthentication")
    assert widened.used_by == (
        f"{ORDER} request",
        f"{ORDER} response",
        "checkout.cardValidateAuthentication request",
    )
    assert widened.message == (
        "format of field transactionReference widened: AN35 → ANS35: integrators' storage may "
        "be too small"
    )


def test_shared_field_change_leaves_out_the_functions_that_override_it(tmp_path: Path) -> None:
    def override(t: Tree) -> None:
        validate = use(
            t, "checkout", "cardValidateAuthentication", "request", "transactionReference"
        )
        validate["format"] = "AN35"

    base = mini()
    override(base)

    def narrow(t: Tree) -> None:
        t["fields.yaml"]["transactionReference"]["format"] = "AN20"

    result = compare(tmp_path, narrow, base)
    assert only(result) == ("field-format-narrowed", "ERR", "fields.transactionReference")
    change = result.changes[0]
    assert change.functions == (ORDER,)
    assert change.used_by == (f"{ORDER} request", f"{ORDER} response")
    assert codes(change) == [
        ("narrows", "client.checkout.card_order(transaction_reference=...)"),
        ("narrows", "resp.transaction_reference"),
    ]


def test_shared_field_version_change_is_reported_once(tmp_path: Path) -> None:
    def later(t: Tree) -> None:
        t["fields.yaml"]["transactionReference"]["since"] = "2.60"

    result = compare(tmp_path, later)
    assert only(result) == ("field-no-longer-available", "ERR", "fields.transactionReference")
    change = result.changes[0]
    assert change.message == (
        "field transactionReference now dates from 2.60, after the target 2.55: it leaves the "
        "generated client"
    )
    assert change.functions == (ORDER, "checkout.cardValidateAuthentication")
    assert {effect for effect, _ in codes(change)} == {"goes"}
    assert len(change.python) == 3  # two keywords and one response attribute


def test_a_field_added_for_a_later_version_names_nothing_yet(tmp_path: Path) -> None:
    def add_later(t: Tree) -> None:
        t["fields.yaml"]["customerIpAddress"] = {
            "format": "ANS45",
            "since": "2.58",
            "description": "IP address.",
        }
        fn(t, "checkout", "cardOrder")["request"].insert(4, _uses("customerIpAddress")[0])

    result = compare(tmp_path, add_later)
    assert only(result) == ("request-field-added", "INFO", f"{ORDER}.request.customerIpAddress")
    assert result.changes[0].python == ()


def test_format_override_in_one_function_only(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        use(t, "token", "paymentTokenGenerate", "request", "cardNumber")["format"] = "N16"

    assert only(compare(tmp_path, mutate)) == (
        "request-field-format-narrowed",
        "ERR",
        f"{TOKEN}.request.cardNumber",
    )


def test_empty_values_allowed_or_refused(tmp_path: Path) -> None:
    def allow(t: Tree) -> None:
        t["fields.yaml"]["cardExpiryDate"]["empty_allowed"] = True

    change = next(c for c in compare(tmp_path / "a", allow).changes if c.area == "format")
    assert (change.id, change.severity, change.path) == (
        "field-empty-allowed",
        "INFO",
        "fields.cardExpiryDate",
    )
    base = mini()
    allow(base)

    def refuse(t: Tree) -> None:
        t["fields.yaml"]["cardExpiryDate"]["empty_allowed"] = False

    assert found(compare(tmp_path / "b", refuse, base)) == {
        ("field-empty-refused", "ERR", "fields.cardExpiryDate")
    }

    def one_function(t: Tree) -> None:
        use(t, "token", "paymentTokenGenerate", "request", "cardExpiryDate")["empty_allowed"] = True

    assert found(compare(tmp_path / "c", one_function)) == {
        ("request-field-empty-allowed", "INFO", f"{TOKEN}.request.cardExpiryDate")
    }


def test_type_changed_is_err(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        t["fields.yaml"]["amount"]["type"] = "string"

    assert only(compare(tmp_path, mutate)) == ("field-type-changed", "ERR", "fields.amount")


def test_sensitive_flag_removed_is_warn(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        del t["fields.yaml"]["cardNumber"]["sensitive"]

    assert only(compare(tmp_path, mutate)) == (
        "field-sensitive-removed",
        "WARN",
        "fields.cardNumber",
    )


def test_field_enum_reference_changes(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        t["fields.yaml"]["orderChannel"].pop("enum")  # request: free text accepts more
        use(t, "token", "paymentTokenGenerate", "request", "cardNumber")  # untouched

    assert only(compare(tmp_path, mutate)) == ("field-enum-changed", "INFO", "fields.orderChannel")

    def narrower(t: Tree) -> None:
        t["fields.yaml"]["currencyCode"]["enum"] = "orderChannel"
        t["fields.yaml"]["currencyCode"]["format"] = "ANS20"

    result = compare(tmp_path / "2", narrower)
    assert ("field-enum-changed", "ERR", "fields.currencyCode") in found(result)


# --------------------------------------------------------------------------- interface versions


def test_new_interface_version_with_a_required_field(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        t["platform.yaml"]["latest_interface_version"] = "2.58"
        t["fields.yaml"]["customerIpAddress"] = {
            "format": "ANS45",
            "since": "2.58",
            "description": "IP address.",
        }
        fn(t, "checkout", "cardOrder")["request"].insert(4, _uses("customerIpAddress!")[0])

    result = compare(tmp_path, mutate)
    assert found(result) == {
        ("latest-interface-version-changed", "INFO", "platform.latest_interface_version"),
        ("request-field-added-required", "ERR", f"{ORDER}.request.customerIpAddress"),
    }
    assert (result.old.latest_interface_version, result.new.latest_interface_version) == (
        "2.55",
        "2.58",
    )


def test_field_for_a_later_version_is_info_until_the_version_is_targeted(tmp_path: Path) -> None:
    def add_later(t: Tree) -> None:
        t["fields.yaml"]["customerIpAddress"] = {
            "format": "ANS45",
            "since": "2.58",
            "description": "IP address.",
        }
        fn(t, "checkout", "cardOrder")["request"].insert(4, _uses("customerIpAddress!")[0])

    result = compare(tmp_path / "a", add_later)
    assert only(result) == ("request-field-added", "INFO", f"{ORDER}.request.customerIpAddress")
    assert "not in the generated client yet" in result.changes[0].message

    base = mini()
    add_later(base)

    def bump(t: Tree) -> None:
        t["platform.yaml"]["latest_interface_version"] = "2.58"

    assert found(compare(tmp_path / "b", bump, base)) == {
        ("latest-interface-version-changed", "INFO", "platform.latest_interface_version"),
        ("request-field-now-available", "ERR", f"{ORDER}.request.customerIpAddress"),
    }


def test_since_changes(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        use(t, "token", "paymentTokenGenerate", "request", "cardExpiryDate")["since"] = "2.58"
        use(t, "token", "paymentTokenGenerate", "response", "errorFieldName")["since"] = "2.21"
        fn(t, "checkout", "cardValidateAuthentication")["since"] = "2.60"

    assert found(compare(tmp_path, mutate)) == {
        ("request-field-no-longer-available", "ERR", f"{TOKEN}.request.cardExpiryDate"),
        ("response-field-since-changed", "INFO", f"{TOKEN}.response.errorFieldName"),
        (
            "function-no-longer-available",
            "ERR",
            "checkout.cardValidateAuthentication.since",
        ),
    }


def test_interface_version_option_judges_both_sides_at_that_version(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        use(t, "token", "paymentTokenGenerate", "request", "cardExpiryDate")["since"] = "2.40"

    old = load_spec(write(tmp_path / "old" / "spec", mini()))
    new_tree = mini()
    mutate(new_tree)
    new = load_spec(write(tmp_path / "new" / "spec", new_tree))
    from generator.spec import Version

    assert only(diff_specs(old, new)) == (
        "request-field-since-changed",
        "INFO",
        f"{TOKEN}.request.cardExpiryDate",
    )
    assert only(diff_specs(old, new, interface_version=Version.parse("2.30")))[:2] == (
        "request-field-no-longer-available",
        "ERR",
    )


# --------------------------------------------------------------------------- enums


def test_enum_values_added_and_removed(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        values(t, "responseCode").append({"value": "99", "name": "PENDING", "description": "?"})
        values(t, "responseCode").pop(2)  # "12": only received
        values(t, "orderChannel").append({"value": "MAIL", "description": "Mail"})
        values(t, "orderChannel").pop(1)  # MOTO: sent
        values(t, "paymentMeanBrand").pop(2)  # UNKNOWN: request false, received

    assert found(compare(tmp_path, mutate)) == {
        ("enum-value-added", "WARN", "enums.responseCode.99"),
        ("enum-value-removed", "WARN", "enums.responseCode.12"),
        ("enum-value-added", "INFO", "enums.orderChannel.MAIL"),
        ("enum-value-removed", "ERR", "enums.orderChannel.MOTO"),
        ("enum-value-removed", "WARN", "enums.paymentMeanBrand.UNKNOWN"),
    }


def test_a_list_closing_is_err_for_requests_and_opening_is_info(tmp_path: Path) -> None:
    def close(t: Tree) -> None:
        for name in ("orderChannel", "responseCode"):
            t[f"enums/{name}.yaml"]["closed"] = True
            t[f"enums/{name}.yaml"]["reason"] = "A primary page gives the whole list."

    result = compare(tmp_path / "a", close)
    assert found(result) == {
        ("enum-closed", "ERR", "enums.orderChannel.closed"),  # sent in cardOrder
        ("enum-closed", "INFO", "enums.responseCode.closed"),  # only received
    }
    closed = next(c for c in result.changes if c.path == "enums.orderChannel.closed")
    assert "refused before sending" in closed.message
    assert codes(closed) == [("narrows", "sogenactif.enums.OrderChannel")]
    assert closed.note == "A primary page gives the whole list."
    reasons = [c for c in result.changes if c.id == "reason-changed"]
    assert {c.path for c in reasons} == {
        "enums.orderChannel.reason",
        "enums.responseCode.reason",
    }

    base = mini()
    close(base)

    def reopen(t: Tree) -> None:
        t["enums/orderChannel.yaml"]["closed"] = False

    assert found(compare(tmp_path / "b", reopen, base)) == {
        ("enum-opened", "INFO", "enums.orderChannel.closed")
    }


def test_enum_change_says_where_it_is_used(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        values(t, "paymentMeanBrand").append({"value": "AMEX", "description": "Amex"})
        values(t, "paymentMeanBrand")[0]["request"] = False

    result = compare(tmp_path, mutate)
    assert found(result) == {
        ("enum-value-added", "WARN", "enums.paymentMeanBrand.AMEX"),
        ("enum-value-no-longer-sendable", "ERR", "enums.paymentMeanBrand.VISA"),
    }
    change = result.changes[0]
    assert change.direction == "both"
    assert change.used_by == (
        f"{ORDER} response",
        f"{TOKEN} request",
    )


def test_enum_value_member_name_and_since(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        values(t, "responseCode")[1]["name"] = "DECLINED"
        values(t, "responseCode")[0]["since"] = "2.10"
        values(t, "orderChannel")[0]["deprecated"] = True

    result = compare(tmp_path, mutate)
    assert found(result) == {
        ("enum-value-name-changed", "WARN", "enums.responseCode.05"),
        ("enum-value-since-changed", "INFO", "enums.responseCode.00"),
        ("enum-value-deprecated", "INFO", "enums.orderChannel.INTERNET"),
    }
    renamed = next(c for c in result.changes if c.id == "enum-value-name-changed")
    assert codes(renamed) == [
        ("goes", "sogenactif.enums.ResponseCode.REFUSED"),
        ("appears", "sogenactif.enums.ResponseCode.DECLINED"),
    ]


# --------------------------------------------------------------------------- containers


def test_container_members_follow_where_the_container_is_used(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        members = t["containers/contact.yaml"]["fields"]
        del members["firstname"]
        members["phone"] = {"format": "ANS30", "since": "2.0", "description": "Phone."}
        members["lastname"] = {
            "format": "ANS50",
            "since": "2.0",
            "description": "Name.",
            "presence": "required",
        }

    result = compare(tmp_path, mutate)
    assert found(result) == {
        ("container-member-removed", "ERR", "containers.contact.firstname"),
        ("container-member-added", "INFO", "containers.contact.phone"),
        ("container-member-added-required", "ERR", "containers.contact.lastname"),
    }
    assert {c.direction for c in result.changes} == {"request"}
    assert {c.used_by for c in result.changes} == {(f"{ORDER} request",)}


def test_container_member_format_in_a_response_container(tmp_path: Path) -> None:
    base = mini()
    fn(base, "checkout", "cardOrder")["request"].remove(_uses("customerContact")[0])
    fn(base, "checkout", "cardOrder")["response"].insert(1, _uses("customerContact")[0])

    def widen(t: Tree) -> None:
        t["containers/contact.yaml"]["fields"]["email"]["format"] = "ANS256"

    assert only(compare(tmp_path, widen, base)) == (
        "container-member-format-widened",
        "WARN",
        "containers.contact.email",
    )


# --------------------------------------------------------------------------- services, URLs


def test_functions_removed_added_renamed(tmp_path: Path) -> None:
    def remove(t: Tree) -> None:
        del t["services/checkout.yaml"]["functions"]["cardValidateAuthentication"]

    assert only(compare(tmp_path / "a", remove)) == (
        "function-removed",
        "ERR",
        "checkout.cardValidateAuthentication",
    )

    def rename(t: Tree) -> None:
        functions = t["services/checkout.yaml"]["functions"]
        functions["cardValidateAuthent"] = functions.pop("cardValidateAuthentication")

    result = compare(tmp_path / "b", rename)
    assert only(result) == ("function-renamed", "ERR", "checkout.cardValidateAuthent")
    assert "renamed from cardValidateAuthentication" in result.changes[0].message
    assert codes(result.changes[0]) == [
        ("goes", "client.checkout.card_validate_authentication(...)"),
        ("appears", "client.checkout.card_validate_authent(...)"),
    ]
    assert result.changes[0].functions == (
        "checkout.cardValidateAuthent",
        "checkout.cardValidateAuthentication",
    )

    def add(t: Tree) -> None:
        functions = t["services/checkout.yaml"]["functions"]
        functions["walletOrder"] = copy.deepcopy(functions["cardOrder"])
        functions["walletOrder"]["since"] = "2.40"

    assert only(compare(tmp_path / "c", add)) == ("function-added", "INFO", "checkout.walletOrder")


def test_service_removed_and_added(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        t["services/wallet.yaml"] = copy.deepcopy(t.pop("services/checkout.yaml"))
        t["services/wallet.yaml"]["service"] = "wallet"
        t["services/wallet.yaml"]["interface_prefix"] = "WR_WS_"

    assert found(compare(tmp_path, mutate)) == {
        ("service-removed", "ERR", "checkout"),
        ("service-added", "INFO", "wallet"),
    }


def test_prefix_host_and_paths_are_err(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        t["services/token.yaml"]["interface_prefix"] = "TK_WS_"
        t["platform.yaml"]["environments"]["test"] = "https://new-test.example.com"
        t["platform.yaml"]["rest_path"] = "/rs-services/v3/{service}/{function}"
        fn(t, "token", "paymentTokenGenerate")["urls"] = {
            "rest": {
                "production": f"{PROD}/rs-services/v3/token/paymentTokenGenerate",
                "test": "https://new-test.example.com/rs-services/v3/token/paymentTokenGenerate",
            },
            "wsdl": {
                "production": f"{PROD}/services/v2/token?wsdl",
                "test": "https://new-test.example.com/services/v2/token?wsdl",
            },
        }

    result = compare(tmp_path, mutate)
    # The printed URLs changed only because platform.yaml did: reported once, under Platform.
    assert found(result) == {
        ("service-interface-prefix-changed", "ERR", "token.interface_prefix"),
        ("environment-host-changed", "ERR", "platform.environments.test"),
        ("rest-path-changed", "ERR", "platform.rest_path"),
    }


def test_a_service_namespace_of_its_own_is_err_and_a_template_change_reported_once(
    tmp_path: Path,
) -> None:
    def own(t: Tree) -> None:
        t["platform.yaml"]["soap_namespaces"] = {"token": "urn:example:token:v2"}

    change = next(c for c in compare(tmp_path / "a", own).changes if c.area == "url")
    assert (change.id, change.severity, change.path) == (
        "service-soap-namespace-changed",
        "ERR",
        "platform.soap_namespaces.token",
    )
    assert (change.old, change.new) == (
        "urn:sips:cn:contract:office:token:v2",
        "urn:example:token:v2",
    )

    def template(t: Tree) -> None:
        t["platform.yaml"]["soap_namespace"] = "urn:example:{service}:v3"

    base = mini()
    own(base)  # token keeps its own namespace: only the template's change is reported
    assert found(compare(tmp_path / "b", template, base)) == {
        ("soap-namespace-changed", "ERR", "platform.soap_namespace")
    }


def test_fields_the_soap_schema_leaves_optional_are_info(tmp_path: Path) -> None:
    def optional(t: Tree) -> None:
        t["platform.yaml"]["soap_optional_fields"] = ["seal", "keyVersion"]

    (change,) = [c for c in compare(tmp_path, optional).changes if c.area == "url"]
    assert (change.id, change.severity, change.new) == (
        "soap-optional-fields-changed",
        "INFO",
        "keyVersion, seal",
    )


def test_resend_mark_changes(tmp_path: Path) -> None:
    """A function a RetryPolicy may newly resend needs a reviewer (WARN); the reverse is INFO."""

    def mark(t: Tree) -> None:
        t["services/token.yaml"]["functions"]["paymentTokenGenerate"]["resend"] = "read-only"

    assert found(compare(tmp_path / "a", mark)) == {
        ("function-resend-changed", "WARN", f"{TOKEN}.resend"),
    }
    base = mini()
    mark(base)

    def unmark(t: Tree) -> None:
        del t["services/token.yaml"]["functions"]["paymentTokenGenerate"]["resend"]

    result = compare(tmp_path / "b", unmark, base)
    assert found(result) == {("function-resend-changed", "INFO", f"{TOKEN}.resend")}
    assert "read-only → never" in result.changes[0].message


def test_seal_and_envelope_changes(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        t["platform.yaml"]["seal"]["algorithms"] = ["HMAC-SHA-256", "SHA-256"]
        t["platform.yaml"]["seal"]["excluded_fields"] = ["seal", "keyVersion"]
        t["platform.yaml"]["envelope_fields"].remove("merchantId")

    result = compare(tmp_path, mutate)
    assert found(result) == {
        ("seal-algorithm-removed", "ERR", "platform.seal.algorithms.HMAC-SHA-512"),
        ("seal-algorithm-added", "INFO", "platform.seal.algorithms.SHA-256"),
        ("seal-excluded-fields-changed", "ERR", "platform.seal.excluded_fields"),
        ("envelope-field-removed", "WARN", "platform.envelope_fields.merchantId"),
    }
    # merchantId becomes a keyword argument of every function whose request lists it.
    envelope = next(c for c in result.changes if c.id == "envelope-field-removed")
    assert codes(envelope) == [
        ("appears", "client.checkout.card_order(merchant_id=...)"),
        ("appears", "client.checkout.card_validate_authentication(merchant_id=...)"),
        ("appears", "client.token.payment_token_generate(merchant_id=...)"),
    ]
    assert envelope.functions == (ORDER, "checkout.cardValidateAuthentication", TOKEN)


def test_documentation_changes_are_info_and_reported_once(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        t["fields.yaml"]["transactionReference"]["description"] = "Reference of the order."
        t["fields.yaml"]["transactionReference"]["note"] = "Our reading."
        t["enums/responseCode.yaml"]["values"][0]["description"] = "Accepted"

    result = compare(tmp_path, mutate)
    assert {(c.id, c.severity, c.path) for c in result.changes} == {
        ("description-changed", "INFO", "fields.transactionReference.description"),
        ("note-changed", "INFO", "fields.transactionReference.note"),
        ("description-changed", "INFO", "enums.responseCode.00.description"),
    }
    assert {c.area for c in result.changes} == {"documentation"}


# --------------------------------------------------------------------------- reports


def _breaking(tmp_path: Path) -> SpecDiff:
    def mutate(t: Tree) -> None:
        f = fn(t, "token", "paymentTokenGenerate")
        f["request"] = [u for u in f["request"] if u["field"] != "cardExpiryDate"]
        f["request"].insert(3, _uses("currencyCode")[0])
        values(t, "responseCode").append({"value": "99", "name": "PENDING", "description": "?"})
        t["fields.yaml"]["cardNumber"]["description"] = "Card | number."

    return compare(tmp_path, mutate)


def test_markdown_report_is_grouped_and_err_first(tmp_path: Path) -> None:
    md = render_markdown(_breaking(tmp_path))
    assert md.startswith("## Spec diff\n")
    assert "| **1** | **1** | 2 | **2.55 (unchanged)** |" in md
    assert "[!CAUTION]" in md
    assert "### Service `token`" in md
    assert "#### `token.paymentTokenGenerate`" in md
    table = md.split("#### `token.paymentTokenGenerate`")[1].split("###")[0]
    assert table.index("request-field-removed") < table.index("request-field-added")
    assert "### Enums" in md
    assert "- `responseCode`: used by `checkout.cardOrder response`, " in md
    assert "<details><summary>Documentation changes (1)" in md
    assert "Card \\| number." in md  # pipes cannot break the table
    for line in md.splitlines():
        if re.search(r"\| `[a-z-]+` \|$", line):  # a change row
            assert len(re.findall(r"(?<!\\)\|", line)) == 8


def test_markdown_without_changes(tmp_path: Path) -> None:
    md = render_markdown(compare(tmp_path, lambda t: None))
    assert "_No changes._" in md
    assert "###" not in md


def test_json_report_schema_and_determinism(tmp_path: Path) -> None:
    result = _breaking(tmp_path)
    text = render_json(result)
    assert text == render_json(_breaking(tmp_path / "again"))
    data = json.loads(text)
    assert data["schema_version"] == 2
    assert data["summary"] == {
        "ERR": 1,
        "WARN": 1,
        "INFO": 2,
        "total": 4,
        "highest": "ERR",
        "breaking": True,
    }
    assert set(data["old"]) == {
        "source",
        "commit",
        "latest_interface_version",
        "target_interface_version",
    }
    keys = {
        "id", "severity", "area", "group", "path", "message", "service", "function",
        "container", "enum", "field", "value", "direction", "old", "new", "used_by", "note",
        "functions", "python",
    }  # fmt: skip
    for change in data["changes"]:
        assert set(change) == keys
        assert change["id"] in CATALOGUE
        assert change["area"] == CATALOGUE[change["id"]].area
    removed = next(c for c in data["changes"] if c["id"] == "request-field-removed")
    assert removed | {"message": None} == {
        "id": "request-field-removed",
        "severity": "ERR",
        "area": "request-field",
        "group": "service",
        "path": f"{TOKEN}.request.cardExpiryDate",
        "message": None,
        "service": "token",
        "function": "paymentTokenGenerate",
        "container": None,
        "enum": None,
        "field": "cardExpiryDate",
        "value": None,
        "direction": "request",
        "old": "optional",
        "new": None,
        "used_by": [],
        "note": None,
        "functions": [TOKEN],
        "python": [
            {
                "kind": "keyword",
                "name": "card_expiry_date",
                "of": "client.token.payment_token_generate",
                "code": "client.token.payment_token_generate(card_expiry_date=...)",
                "effect": "goes",
            }
        ],
    }
    assert to_json(result)["changes"] == data["changes"]


def test_text_report_lists_err_first(tmp_path: Path) -> None:
    text = render_text(_breaking(tmp_path))
    lines = text.splitlines()
    assert lines[2] == "1 ERR, 1 WARN, 2 INFO: breaking for integrators"
    assert lines[4].startswith("ERR  request-field-removed: token.paymentTokenGenerate.request")
    assert (
        lines[5] == "     python: goes: client.token.payment_token_generate(card_expiry_date=...)"
    )
    assert lines[6].startswith("WARN enum-value-added")


def test_every_change_id_is_documented() -> None:
    doc = (REPO / "docs" / "spec-diff.md").read_text("utf-8")
    prefixes = ("request-field-", "response-field-", "container-member-", "field-")
    missing = []
    for id in CATALOGUE:
        suffix = next((id[len(p) - 1 :] for p in prefixes if id.startswith(p)), None)
        if f"`{id}`" not in doc and (suffix is None or f"| `{suffix}` |" not in doc):
            missing.append(id)
    assert not missing, missing
    for prefix in prefixes:
        assert f"`{prefix}…`" in doc


def test_message_templates_use_known_words() -> None:
    known = {"old", "new", "service", "container", "enum", "name", "value", "target"}
    words = {"why", "env", "functions", "where", "since", "later", "kind", "count", "verb"}
    words |= {"label", "presence", "hint", "new_enum", "old_enum"}
    for id, kind in CATALOGUE.items():
        area, template = kind.area, kind.template
        used = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        assert used <= known | words, (id, used - known - words)
        assert area, id


def test_order_change_is_info(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        request = fn(t, "token", "paymentTokenGenerate")["request"]
        request[2], request[3] = request[3], request[2]

    result = compare(tmp_path, mutate)
    assert only(result) == ("request-field-order-changed", "INFO", f"{TOKEN}.request")
    assert result.changes[0].new is not None
    assert result.changes[0].new.startswith("merchantId, interfaceVersion, cardExpiryDate,")


# --------------------------------------------------------------------------- the command


def _pair(tmp_path: Path, mutate: Callable[[Tree], None]) -> tuple[str, str]:
    new = mini()
    mutate(new)
    return (
        str(write(tmp_path / "old" / "spec", mini())),
        str(write(tmp_path / "new" / "spec", new)),
    )


def _drop_expiry(t: Tree) -> None:
    f = fn(t, "token", "paymentTokenGenerate")
    f["request"] = [u for u in f["request"] if u["field"] != "cardExpiryDate"]


def _add_response_code(t: Tree) -> None:
    values(t, "responseCode").append({"value": "99", "name": "PENDING", "description": "?"})


@pytest.mark.parametrize(
    ("mutate", "fail_on", "code"),
    [
        (_drop_expiry, None, 0),
        (_drop_expiry, "ERR", 1),
        (_add_response_code, "ERR", 0),
        (_add_response_code, "WARN", 1),
        (lambda t: None, "INFO", 0),
        (lambda t: t["fields.yaml"]["amount"].update(description="Sum."), "WARN", 0),
        (lambda t: t["fields.yaml"]["amount"].update(description="Sum."), "INFO", 1),
    ],
)
def test_fail_on_sets_the_exit_code(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mutate: Callable[[Tree], None],
    fail_on: str | None,
    code: int,
) -> None:
    old, new = _pair(tmp_path, mutate)
    argv = [old, new] + (["--fail-on", fail_on] if fail_on else [])
    assert main(argv) == code
    capsys.readouterr()


def test_output_file_and_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _pair(tmp_path, _drop_expiry)
    out = tmp_path / "diff.json"
    assert main([old, new, "--format", "json", "--output", str(out)]) == 0
    assert capsys.readouterr().out == ""
    data = json.loads(out.read_text("utf-8"))
    assert data["old"]["source"] == old
    assert [c["id"] for c in data["changes"]] == ["request-field-removed"]
    assert main([old, new, "--format", "markdown"]) == 0
    assert "#### `token.paymentTokenGenerate`" in capsys.readouterr().out
    # A checkout folder (holding spec/) is accepted too.
    assert main([str(Path(old).parent), new]) == 0
    assert "request-field-removed" in capsys.readouterr().out


def test_broken_spec_exits_2_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = _pair(tmp_path, lambda t: None)
    fields = Path(new) / "fields.yaml"
    fields.write_text(fields.read_text("utf-8") + "amount2:\n  format: Q12\n", "utf-8")
    assert main([old, new, "--fail-on", "ERR"]) == 2
    err = capsys.readouterr().err
    assert "cannot load NEW" in err
    assert re.search(r"spec/fields\.yaml:\d+: amount2", err)
    assert main([old, str(tmp_path / "nowhere")]) == 2


# --------------------------------------------------------------------------- git revisions

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=GIT_ENV, capture_output=True)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A git repository with two commits of spec/: the second drops a request field."""
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    tree = mini()
    write(root / "spec", tree)
    _git(root, "add", "spec")
    _git(root, "commit", "-q", "-m", "first")
    _drop_expiry(tree)
    write(root / "spec", tree)
    _git(root, "commit", "-q", "-am", "second")
    return root


def test_git_revisions(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["git:HEAD~1", "git:main", "--repo", str(repo), "--format", "json", "--fail-on", "ERR"]
    assert main(argv) == 1
    data = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in data["changes"]] == ["request-field-removed"]
    assert data["old"]["source"] == "git:HEAD~1"
    assert re.fullmatch(r"[0-9a-f]{40}", data["old"]["commit"])
    assert main(["git:HEAD", "git:HEAD", "--repo", str(repo), "--fail-on", "INFO"]) == 0
    capsys.readouterr()
    assert main(["git:no-such-rev", "--repo", str(repo)]) == 2
    assert "not a revision" in capsys.readouterr().err


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**GIT_ENV, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


def test_no_argument_compares_the_working_tree_with_head(repo: Path) -> None:
    proc = _run(repo, "generator", "diff")
    assert proc.returncode == 0, proc.stderr
    assert "0 ERR, 0 WARN, 0 INFO: no changes" in proc.stdout
    tree = mini()
    _drop_expiry(tree)
    values(tree, "orderChannel").pop(1)
    write(repo / "spec", tree)
    proc = _run(repo, "generator", "diff")
    assert proc.returncode == 0, proc.stderr
    assert "spec diff: git:HEAD (" in proc.stdout
    assert "→ working tree" in proc.stdout
    assert "ERR  enum-value-removed: enums.orderChannel.MOTO" in proc.stdout
    assert "request-field-removed" not in proc.stdout  # already in HEAD
    # One argument: that revision against the working tree.
    proc = _run(repo, "generator", "diff", "git:HEAD~1", "--fail-on", "ERR")
    assert proc.returncode == 1
    assert "request-field-removed" in proc.stdout and "enum-value-removed" in proc.stdout
    proc = _run(repo, "generator.diff", "--format", "json")
    assert json.loads(proc.stdout)["summary"]["ERR"] == 1
    proc = _run(repo, "generator", "diff", "--format", "json")  # an option before OLD and NEW
    assert json.loads(proc.stdout)["summary"]["ERR"] == 1


# --------------------------------------------------------------------------- the real spec


def _real_spec(tmp_path: Path) -> Path:
    """A copy of the repository's spec/ (HEAD's when the working tree is mid-edit)."""
    target = tmp_path / "real" / "spec"
    try:
        load_spec(REPO / "spec")
        shutil.copytree(REPO / "spec", target)
    except SpecError:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "HEAD", "spec"], check=True, capture_output=True
        ).stdout
        target.parent.mkdir(parents=True)
        subprocess.run(["tar", "-x", "-C", str(target.parent)], input=archive, check=True)
    return target


def test_real_spec_against_itself_and_with_a_removed_field(tmp_path: Path) -> None:
    old_root = _real_spec(tmp_path)
    old = load_spec(old_root)
    assert diff_specs(old, load_spec(old_root)).changes == ()
    new_root = tmp_path / "new" / "spec"
    shutil.copytree(old_root, new_root)
    token = new_root / "services" / "token.yaml"
    data = yaml.safe_load(token.read_text("utf-8"))
    request = data["functions"]["paymentTokenGenerate"]["request"]
    data["functions"]["paymentTokenGenerate"]["request"] = [
        u for u in request if u["field"] != "cardCSCValue"
    ]
    token.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    result = diff_specs(old, load_spec(new_root))
    assert found(result) == {
        ("request-field-removed", "ERR", f"{TOKEN}.request.cardCSCValue"),
    }
    # The keyword is named as the generated client names it (cardCSCValue -> card_csc_value).
    assert codes(result.changes[0]) == [
        ("goes", "client.token.payment_token_generate(card_csc_value=...)")
    ]


def test_list_items_are_compared(tmp_path: Path) -> None:
    def mutate(t: Tree) -> None:
        t["fields.yaml"]["paymentMeanBrandList"]["items"]["format"] = "ANS30"

    result = compare(tmp_path, mutate)
    assert only(result) == ("field-format-widened", "WARN", "fields.paymentMeanBrandList[]")
    assert [n.code for n in result.changes[0].python] == ["resp.payment_mean_brand_list"]


def test_changes_in_an_unused_container_are_info(tmp_path: Path) -> None:
    base = mini()
    fn(base, "checkout", "cardOrder")["request"].remove(_uses("customerContact")[0])

    def mutate(t: Tree) -> None:
        t["containers/contact.yaml"]["fields"]["email"]["type"] = "integer"
        del t["containers/contact.yaml"]["fields"]["firstname"]

    result = compare(tmp_path, mutate, base)
    assert found(result) == {
        ("container-member-type-changed", "INFO", "containers.contact.email"),
        ("container-member-removed", "INFO", "containers.contact.firstname"),
    }
    assert {c.direction for c in result.changes} == {None}


# --------------------------------------------------------------------------- the package


DIFF_PACKAGE = REPO / "generator" / "diff"


def _local_imports(path: Path) -> set[str]:
    """The sibling modules ``path`` imports (``from .x import`` or ``from . import x``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def test_diff_modules_import_each_other_without_a_cycle() -> None:
    graph = {p.stem: _local_imports(p) for p in DIFF_PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert {"catalogue", "model", "compare", "sources", "report", "cli"} <= set(graph)
    done: list[str] = []
    while len(done) < len(graph):  # peel off the modules whose imports are all done
        ready = sorted(m for m, deps in graph.items() if m not in done and deps <= set(done))
        assert ready, f"an import cycle among {sorted(set(graph) - set(done))}"
        done.extend(ready)
    assert graph["catalogue"] == set()
    assert "cli" not in set().union(*(graph[m] for m in graph if m != "__main__"))


@pytest.mark.parametrize(
    "module", sorted(p.stem for p in DIFF_PACKAGE.glob("*.py") if p.stem != "__main__")
)
def test_each_diff_module_imports_alone(module: str) -> None:
    name = "generator.diff" if module == "__init__" else f"generator.diff.{module}"
    proc = subprocess.run(
        [sys.executable, "-c", f"import {name}"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr


# --------------------------------------------------------------------------- shared fields, Python names


def _uses_of(spec: Spec, field: str) -> list[str]:
    """'service.function direction' of every use of ``field`` that takes its format from
    fields.yaml."""
    found = []
    for service, function in spec.iter_functions():
        for direction, uses in (("request", function.request), ("response", function.response)):
            for u in uses:
                if u.name == field and u.field.format == spec.fields[field].format:
                    found.append(f"{service.name}.{function.name} {direction}")
    return sorted(found)


def test_real_spec_shared_field_narrowing_is_one_change_with_its_functions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old_root = _real_spec(tmp_path)
    new_root = tmp_path / "new" / "spec"
    shutil.copytree(old_root, new_root)
    fields = yaml.safe_load((new_root / "fields.yaml").read_text("utf-8"))
    assert fields["amount"]["format"] == "N12"
    fields["amount"]["format"] = "N10"
    (new_root / "fields.yaml").write_text(yaml.safe_dump(fields, sort_keys=False), "utf-8")
    old = load_spec(old_root)
    uses = _uses_of(old, "amount")
    requests = [u for u in uses if u.endswith(" request")]
    assert len(requests) >= 2  # a shared field: one change used to be reported per use

    result = diff_specs(old, load_spec(new_root))
    assert only(result) == ("field-format-narrowed", "ERR", "fields.amount")
    (change,) = result.changes
    assert change.used_by == tuple(uses)
    assert change.functions == tuple(sorted({u.split()[0] for u in uses}))
    keywords = [n for n in change.python if n.kind == "keyword"]
    assert len(keywords) == len(requests)
    assert {n.code for n in keywords} >= {"client.checkout.card_order(amount=...)"}
    assert {n.effect for n in change.python} == {"narrows"}
    # --fail-on keeps its meaning: the one change carries the worst severity of the uses.
    assert main([str(old_root), str(new_root), "--fail-on", "ERR"]) == 1
    assert main([str(new_root), str(old_root), "--fail-on", "ERR"]) == 0  # widened: WARN at most
    capsys.readouterr()


def _integrator_changes(t: Tree) -> None:
    """A field added to a request, a response field removed, an enum value removed."""
    f = fn(t, "token", "paymentTokenGenerate")
    f["request"].insert(4, _uses("currencyCode")[0])
    f["response"] = [u for u in f["response"] if u["field"] != "errorFieldName"]
    values(t, "orderChannel").pop(1)  # MOTO


KEYWORD_ADDED = "client.token.payment_token_generate(currency_code=...)"
ATTRIBUTE_REMOVED = "resp.error_field_name"
MEMBER_REMOVED = "sogenactif.enums.OrderChannel.MOTO"


def test_changes_name_keywords_attributes_and_members(tmp_path: Path) -> None:
    result = compare(tmp_path, _integrator_changes)
    by_id = {c.id: c for c in result.changes}
    (keyword,) = by_id["request-field-added"].python
    assert (keyword.kind, keyword.name, keyword.of, keyword.effect) == (
        "keyword",
        "currency_code",
        "client.token.payment_token_generate",
        "appears",
    )
    assert keyword.code == KEYWORD_ADDED
    (attribute,) = by_id["response-field-removed"].python
    assert (attribute.kind, attribute.name, attribute.of, attribute.effect) == (
        "attribute",
        "error_field_name",
        "client.token.payment_token_generate",
        "goes",
    )
    assert attribute.code == ATTRIBUTE_REMOVED
    (member,) = by_id["enum-value-removed"].python
    assert (member.kind, member.name, member.of, member.effect) == (
        "member",
        "MOTO",
        "sogenactif.enums.OrderChannel",
        "goes",
    )
    assert member.code == MEMBER_REMOVED


def test_text_report_names_the_python_names(tmp_path: Path) -> None:
    lines = render_text(compare(tmp_path, _integrator_changes)).splitlines()
    assert f"     python: appears: {KEYWORD_ADDED}" in lines
    assert (
        f"     python: goes: {ATTRIBUTE_REMOVED} of client.token.payment_token_generate(...)"
        in lines
    )
    assert f"     python: goes: {MEMBER_REMOVED}" in lines
    removed = lines.index(next(x for x in lines if x.startswith("WARN response-field-removed")))
    assert lines[removed + 1].startswith(f"     python: goes: {ATTRIBUTE_REMOVED}")


def test_markdown_report_names_the_python_names(tmp_path: Path) -> None:
    md = render_markdown(compare(tmp_path, _integrator_changes))
    rows = {}  # change id: its table row
    for line in md.splitlines():
        row_id = re.search(r"\| `([a-z-]+)` \|$", line)
        if row_id:
            rows[row_id.group(1)] = line
    assert f"| appears: `{KEYWORD_ADDED}` |" in rows["request-field-added"]
    assert (
        f"| goes: `{ATTRIBUTE_REMOVED}` of `client.token.payment_token_generate(...)` |"
        in rows["response-field-removed"]
    )
    assert f"| goes: `{MEMBER_REMOVED}` |" in rows["enum-value-removed"]
    assert "| Severity | Where | Change | In integrators' code | Old | New | Id |" in md


def test_json_report_names_the_python_names(tmp_path: Path) -> None:
    data = json.loads(render_json(compare(tmp_path, _integrator_changes)))
    assert data["schema_version"] == 2
    by_id = {c["id"]: c for c in data["changes"]}
    assert by_id["request-field-added"]["python"] == [
        {
            "kind": "keyword",
            "name": "currency_code",
            "of": "client.token.payment_token_generate",
            "code": KEYWORD_ADDED,
            "effect": "appears",
        }
    ]
    assert by_id["response-field-removed"]["python"] == [
        {
            "kind": "attribute",
            "name": "error_field_name",
            "of": "client.token.payment_token_generate",
            "code": ATTRIBUTE_REMOVED,
            "effect": "goes",
        }
    ]
    assert by_id["enum-value-removed"]["python"] == [
        {
            "kind": "member",
            "name": "MOTO",
            "of": "sogenactif.enums.OrderChannel",
            "code": MEMBER_REMOVED,
            "effect": "goes",
        }
    ]
    assert by_id["request-field-added"]["functions"] == [TOKEN]
    assert by_id["enum-value-removed"]["functions"] == [ORDER]


def test_shared_field_in_the_markdown_report(tmp_path: Path) -> None:
    def narrow(t: Tree) -> None:
        t["fields.yaml"]["transactionReference"]["format"] = "AN20"

    md = render_markdown(compare(tmp_path, narrow))
    fields = md.split("### Fields")[1]
    assert "| 🔴 ERR | `transactionReference` | format of field transactionReference" in fields
    assert (
        "narrows: `transaction_reference=...` in `client.checkout.card_order(...)`, "
        "`client.checkout.card_validate_authentication(...)`<br>"
        "narrows: `resp.transaction_reference` of `client.checkout.card_order(...)`"
    ) in fields
    assert (
        "- `transactionReference`: used by `checkout.cardOrder request`, "
        "`checkout.cardOrder response`, `checkout.cardValidateAuthentication request`"
    ) in fields
    assert "### Service" not in md  # nothing left per function


def test_python_names_are_those_of_the_generated_client() -> None:
    """Every name the diff would give exists in generated/sogenactif (the spec at its target)."""
    spec = load_spec(REPO / "spec")
    envelope = set(spec.platform.envelope_fields)
    for service, function in spec.iter_functions():
        call = names.method(service.name, function.name, "goes")
        module = importlib.import_module(f"sogenactif.services.{call.of.split('.')[1]}")
        (service_class,) = (
            c
            for n, c in vars(module).items()
            if n.endswith("Service")
            and n not in ("Service", "AsyncService")
            and not n.startswith("Async")
        )
        method = getattr(service_class, call.name)
        params = inspect.signature(method).parameters
        for u in function.request:
            if u.name not in envelope and u.since <= spec.target_version:
                assert names.keyword(service.name, function.name, u.name, "goes").name in params
        models = importlib.import_module(f"sogenactif.models.{call.of.split('.')[1]}")
        response = getattr(models, f"{function.name[0].upper()}{function.name[1:]}Response")
        for u in function.response:
            if u.since <= spec.target_version:
                attribute = names.attribute(service.name, function.name, u.name, "goes")
                assert attribute.name in response.model_fields
    for enum in spec.enums.values():
        member_class = getattr(sogenactif.enums, enum.name[0].upper() + enum.name[1:])
        for v in enum.values:
            if v.since <= spec.target_version:
                member = names.member(enum.name, v.name, "goes")
                assert member.of == f"sogenactif.enums.{member_class.__name__}"
                assert member_class[member.name] == v.value
