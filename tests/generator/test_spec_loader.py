"""The spec loader: the real spec loads; a wrong spec fails naming file, line and what is wrong."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

import generator.spec
from generator.spec import SpecError, Version, load_spec, loader, model

SPEC = Path(__file__).resolve().parents[2] / "spec"
# The spec's latest interface version, and one after it.
LATEST = str(load_spec(SPEC).platform.latest_interface_version)
AFTER = f"{LATEST.split('.')[0]}.{int(LATEST.split('.')[1]) + 1}"


@pytest.fixture()
def spec_copy(tmp_path: Path) -> Path:
    target = tmp_path / "spec"
    shutil.copytree(SPEC, target)
    return target


def test_real_spec_loads() -> None:
    spec = load_spec(SPEC)
    token = spec.service("token").function_map["paymentTokenGenerate"]
    assert [u.name for u in token.request if u.required] == ["keyVersion", "seal"]
    assert {u.name for u in token.response} >= {"responseCode", "paymentToken", "errorFieldName"}
    assert len(token.urls) == 4
    brands = {v.value for v in spec.enums["paymentMeanBrand"].values}
    # The paymentTokenGenerate page's 56 brands and UNKNOWN (returned only), and BCMCMOBILE
    # (paymentProviderInitialize's page).
    assert len(brands) == 58 and "BCMCMOBILE" in brands
    assert len(spec.enums["responseCode"].values) == 26
    assert not next(
        v for v in spec.enums["paymentMeanBrand"].values if v.value == "UNKNOWN"
    ).request


def test_versions_compare_numerically() -> None:
    assert Version.parse("2.9") < Version.parse("2.22") < Version.parse("2.53")
    with pytest.raises(ValueError, match="quoted string"):
        Version.parse(2.5)


def _problems(root: Path) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_spec(root)
    return info.value.problems


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_unknown_key_names_file_line_and_key(spec_copy: Path) -> None:
    _edit(spec_copy / "fields.yaml", "cardNumber:\n  format: N19", "cardNumber:\n  formt: N19")
    problems = _problems(spec_copy)
    line = next(
        i
        for i, text in enumerate((spec_copy / "fields.yaml").read_text().splitlines(), 1)
        if "formt" in text
    )
    assert any(
        p.startswith(f"spec/fields.yaml:{line}: cardNumber: unknown key 'formt'") for p in problems
    ), problems


def test_bad_format_and_unquoted_version(spec_copy: Path) -> None:
    _edit(spec_copy / "fields.yaml", 'format: N15\n  since: "2.0"', "format: Q15\n  since: 2.50")
    problems = "\n".join(_problems(spec_copy))
    assert "merchantId: format 'Q15' is not <charset><max length>" in problems
    assert 'must be a quoted string like "2.53"' in problems


def test_undefined_field_in_function(spec_copy: Path) -> None:
    _edit(spec_copy / "services" / "token.yaml", "{field: cardNumber,", "{field: cardNumbr,")
    problems = "\n".join(_problems(spec_copy))
    assert "spec/services/token.yaml:" in problems
    assert (
        "token.paymentTokenGenerate.request.cardNumbr: field 'cardNumbr' is not defined" in problems
    )


def test_url_must_match_platform(spec_copy: Path) -> None:
    _edit(
        spec_copy / "services" / "token.yaml",
        "production: https://office-server.sogenactif.com/rs-services/v2/token/paymentTokenGenerate",
        "production: https://office-server.sogenactif.com/rs-services/v2/token/paymentTokenGen",
    )
    assert any("does not match platform.yaml" in p for p in _problems(spec_copy))


def test_invalid_yaml_names_line(spec_copy: Path) -> None:
    (spec_copy / "enums" / "captureMode.yaml").write_text("name: captureMode\nvalues: [a, b\n")
    problems = _problems(spec_copy)
    assert any(
        p.startswith("spec/enums/captureMode.yaml:") and "invalid YAML" in p for p in problems
    )


def test_duplicate_key_is_an_error(spec_copy: Path) -> None:
    text = (spec_copy / "enums" / "panType.yaml").read_text()
    (spec_copy / "enums" / "panType.yaml").write_text(text + "name: again\n")
    assert any("duplicate key 'name'" in p for p in _problems(spec_copy))


def test_every_problem_is_reported_at_once(spec_copy: Path) -> None:
    _edit(spec_copy / "fields.yaml", "cardNumber:\n  format: N19", "cardNumber:\n  format: X19")
    _edit(spec_copy / "services" / "token.yaml", "presence: required}", "presence: mandatory}")
    assert len(_problems(spec_copy)) >= 2


def test_cli_validate_reports_without_traceback(
    spec_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator.__main__ import main

    _edit(spec_copy / "fields.yaml", "cardNumber:\n  format: N19", "cardNumber:\n  format: X19")
    assert main(["validate", "--spec", str(spec_copy)]) == 2
    err = capsys.readouterr().err
    assert "spec/fields.yaml:" in err and "Traceback" not in err


ISSUE_3_FUNCTIONS = {
    "checkout": [
        "cardOrder", "cardCheckEnrollment", "cardValidateAuthentication",
        "cardValidateAuthenticationAndOrder", "walletOrder", "walletCheckEnrollment",
        "paymentProviderInitialize", "paymentProviderFinalize",
    ],
    "cashManagement": [
        "cancel", "refund", "validate", "duplicate", "acceptChallenge", "refuseChallenge",
        "creditHolder", "walletCreditHolder",
    ],
    "diagnostic": ["getTransactionData", "getFraudData"],
    "wallet": [
        "addCard", "getWalletData", "getPaymentMeanData", "updatePaymentMean",
        "deletePaymentMean", "signOff",
    ],
    "token": ["paymentTokenGenerate", "panToToken", "tokenToPan", "transactionToToken"],
}  # fmt: skip


def test_every_function_of_the_office_server_is_specified_and_generated() -> None:
    import sogenactif

    spec = load_spec(SPEC)
    client = sogenactif.Client(merchant_id="201040040170001", secret_key="k")
    prefixes = {"checkout": "IR_WS_", "cashManagement": "CR_WS_", "diagnostic": "DR_WS_",
                "wallet": "WR_WS_", "token": "TR_WS_"}  # fmt: skip
    for service_name, functions in ISSUE_3_FUNCTIONS.items():
        service = spec.service(service_name)
        assert service.interface_prefix == prefixes[service_name]
        assert set(functions) <= set(service.function_map), service_name
        from generator.views import snake

        attribute = getattr(client, snake(service_name))
        for name in functions:
            function = service.function_map[name]
            assert function.response, name
            envelope = {u.name for u in function.request} & {"merchantId", "keyVersion", "seal"}
            assert envelope == {"merchantId", "keyVersion", "seal"}, name
            assert callable(getattr(attribute, snake(name)))


def test_the_model_is_pure_data_and_the_package_exports_what_others_import() -> None:
    """spec/model.py knows nothing of YAML or of the loader; generator.spec re-exports both."""
    package = Path(generator.spec.__file__).parent
    tree = ast.parse((package / "model.py").read_text("utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {"yaml", "loader"} & imported, imported
    assert generator.spec.load_spec is loader.load_spec
    assert generator.spec.SpecError is loader.SpecError
    for name in ("Spec", "Service", "Function", "FieldDef", "FieldUse", "EnumDef", "Version"):
        assert getattr(generator.spec, name) is getattr(model, name)


# --------------------------------------------------------------------------- common mistakes


def test_a_misspelt_presence_is_reported_not_a_key_error(spec_copy: Path) -> None:
    path = spec_copy / "services" / "token.yaml"
    _edit(path, "{field: cardNumber, presence:", "{field: cardNumber, presense:")
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "presense" in t)
    problems = _problems(spec_copy)
    where = "spec/services/token.yaml"
    assert f"{where}:{line}: token.paymentTokenGenerate.request: unknown key 'presense' " in (
        "\n".join(problems)
    )
    assert any(
        p.startswith(
            f"{where}:{line}: token.paymentTokenGenerate.request: missing required key 'presence'"
        )
        for p in problems
    ), problems


def test_a_missing_required_key_anywhere_is_reported_not_a_key_error(spec_copy: Path) -> None:
    _edit(spec_copy / "enums" / "panType.yaml", "name: panType\n", "")
    _edit(spec_copy / "containers" / "contact.yaml", "name: contact\n", "")
    _edit(spec_copy / "services" / "diagnostic.yaml", "interface_prefix: DR_WS_\n", "")
    problems = "\n".join(_problems(spec_copy))
    assert "spec/enums/panType.yaml:1: enum: missing required key 'name'" in problems
    assert "spec/containers/contact.yaml:1: container: missing required key 'name'" in problems
    assert "spec/services/diagnostic.yaml:1: service: missing required key 'interface_prefix'" in (
        problems
    )


def test_since_after_the_latest_version_warns_with_file_and_line(spec_copy: Path) -> None:
    path = spec_copy / "services" / "token.yaml"
    _edit(
        path,
        "{field: paymentTokenConsumerMerchantId, presence: optional}",
        f'{{field: paymentTokenConsumerMerchantId, presence: optional, since: "{AFTER}"}}',
    )
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if f'"{AFTER}"' in t)
    spec = load_spec(spec_copy)
    assert spec.warnings == (
        f"spec/services/token.yaml:{line}: "
        f"token.paymentTokenGenerate.request.paymentTokenConsumerMerchantId: since {AFTER} is "
        f"later than latest_interface_version {LATEST} in platform.yaml: it is left out of every "
        "generated client until the latest version is raised",
    )
    assert load_spec(SPEC).warnings == ()


def test_cli_warns_about_a_since_after_the_latest_version(
    spec_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator.__main__ import main

    _edit(
        spec_copy / "fields.yaml",
        'sensitive: pan\n  since: "2.0"',
        'sensitive: pan\n  since: "2.60"',
    )
    assert main(["validate", "--spec", str(spec_copy)]) == 0
    captured = capsys.readouterr()
    assert "warning: spec/fields.yaml:" in captured.err and "cardNumber: since 2.60" in captured.err
    assert "1 warnings" in captured.out


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("abc", "argument --interface-version: 'abc' is not an interface version such as 2.53"),
        ("2.", "argument --interface-version: '2.' is not an interface version such as 2.53"),
        ("1.9", "interface version 1.9 is older than every function of the spec"),
        ("9.99", f"interface version 9.99 is newer than the latest in platform.yaml ({LATEST})"),
    ],
)
def test_cli_refuses_a_bad_interface_version_without_a_traceback(
    version: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator.__main__ import main

    for command in ("validate", "generate", "check", "docs"):
        try:
            code = main(
                [
                    command,
                    "--spec",
                    str(SPEC),
                    "--interface-version",
                    version,
                    "--output",
                    "/nonexistent/never-written",
                ]
                if command != "validate"
                else [command, "--spec", str(SPEC), "--interface-version", version]
            )
        except SystemExit as exit:  # argparse's command-line error
            code = exit.code
        assert code == 2, command
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err, (command, err)


def test_load_spec_refuses_a_bad_version_with_a_spec_error() -> None:
    for version in ("abc", "1.9", "2.99"):
        with pytest.raises(SpecError):
            load_spec(SPEC, version)
    assert load_spec(SPEC, "2.0").target_version == Version.parse("2.0")


def test_soap_namespaces_name_known_services(spec_copy: Path) -> None:
    path = spec_copy / "platform.yaml"
    _edit(path, "  cashManagement: urn:", "  cashmanagement: urn:")
    line = next(
        i for i, t in enumerate(path.read_text().splitlines(), 1) if "  cashmanagement:" in t
    )
    problems = _problems(spec_copy)
    assert any(
        p.startswith(
            f"spec/platform.yaml:{line}: platform.soap_namespaces.cashmanagement: "
            "no service 'cashmanagement'"
        )
        for p in problems
    ), problems


def test_closed_lists_are_checked(spec_copy: Path) -> None:
    enums = spec_copy / "enums"
    _edit(enums / "panType.yaml", "closed: true", "closed: yes please")
    _edit(enums / "sealAlgorithm.yaml", "reason: >-", "former_reason: >-")
    _edit(enums / "orderChannel.yaml", "closed: false", "closed: true")
    problems = "\n".join(_problems(spec_copy))
    assert "spec/enums/panType.yaml:3: panType: closed must be true or false" in problems
    assert "spec/enums/sealAlgorithm.yaml:4: enum: unknown key 'former_reason'" in problems
    assert "sealAlgorithm: a closed list needs a 'reason:'" in problems
    assert "orderChannel: the note says Open but the list is closed (closed: true)" in problems


def test_an_enum_is_open_unless_it_says_closed(spec_copy: Path) -> None:
    path = spec_copy / "enums" / "orderChannel.yaml"
    text = path.read_text()
    path.write_text(text.replace("closed: false\n", ""))
    enum = load_spec(spec_copy).enums["orderChannel"]
    assert enum.closed is False and enum.reason


def test_empty_allowed_is_a_boolean_of_text_fields(spec_copy: Path) -> None:
    _edit(spec_copy / "fields.yaml", "empty_allowed: true", "empty_allowed: sometimes")
    _edit(
        spec_copy / "services" / "token.yaml",
        "{field: cardNumber, presence: optional}",
        "{field: cardNumber, presence: optional, empty_allowed: 1}",
    )
    problems = "\n".join(_problems(spec_copy))
    assert "cardExpiryDate: empty_allowed must be true or false" in problems
    assert "token.paymentTokenGenerate.request.cardNumber: empty_allowed must be true or false" in (
        problems
    )


def test_soap_optional_fields_are_fields(spec_copy: Path) -> None:
    path = spec_copy / "platform.yaml"
    _edit(
        path, "soap_optional_fields: [keyVersion, seal]", "soap_optional_fields: [keyVersion, sael]"
    )
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "sael" in t)
    problems = _problems(spec_copy)
    assert (
        f"spec/platform.yaml:{line}: soap_optional_fields: not in fields.yaml: ['sael']" in problems
    )


def test_a_spec_older_than_the_closed_key_still_loads(spec_copy: Path) -> None:
    """Notes said Closed/Open before the key existed: such a spec (git:main in a diff) loads,
    its lists open by default, with a warning where the note says Closed."""
    path = spec_copy / "enums" / "panType.yaml"
    _edit(path, "closed: true\n", "")
    spec = load_spec(spec_copy)
    assert spec.enums["panType"].closed is False
    assert any("panType: the note says Closed but the list is open" in w for w in spec.warnings)
