"""``python -m generator import``: Sogenactif data-dictionary pages into the spec.

The page is ``pages/paymentTokenGenerate.txt``, a byte-for-byte copy of
``../shared/reference/sogenactif-data-dictionary-paymentTokenGenerate.txt`` (Release 24.2), kept here
so that the tests run on a clean clone. Variants are built from its text in each test, the way a
maintainer meets a new release: a new field, a removed value, a changed presence or version, a
changelog that disagrees with a field block, a sample naming an unknown field, ``Empty``,
descriptions over several lines or with nested bullets, curly quotes, ``paymentMeanBrandType:``
suffixes. Each is imported into a copy of the spec and checked against the exact changes
``generator.diff`` finds, with their severities, and against the messages the command prints.

Most variants are imported into the *reviewed* spec: spec/ plus the two notes the round trip of
the real page proposes (see ``test_round_trip_of_the_real_page``), so that the real page itself
changes nothing and a variant gives only its own changes.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from generator.diff import SpecDiff, diff_specs, render_json
from generator.importer import main, parse_page
from generator.importer.decisions import quotes, same_text
from generator.importer.parser import join_text, split_attributes
from generator.importer.yamledit import Document, render_scalar
from generator.spec import Spec, Version, load_spec

REPO = Path(__file__).resolve().parents[2]
# The spec's latest interface version, and one after it (tests date fields relative to them).
LATEST = str(load_spec(REPO / "spec").platform.latest_interface_version)
AFTER = f"{LATEST.split('.')[0]}.{int(LATEST.split('.')[1]) + 1}"
PAGE = Path(__file__).parent / "pages" / "paymentTokenGenerate.txt"
SHARED_PAGE = (
    REPO.parent
    / "shared"
    / "reference"
    / PAGE.name.replace("paymentTokenGenerate", "sogenactif-data-dictionary-paymentTokenGenerate")
)
FUNCTION = "token.paymentTokenGenerate"
REQUEST = f"{FUNCTION}.request"
RESPONSE = f"{FUNCTION}.response"


# The notes the round trip of the real page proposes (the report of issue 18 lists them).
def page_text() -> str:
    return PAGE.read_text(encoding="utf-8")


def edit(text: str, old: str, new: str, count: int = 1) -> str:
    """``text`` with ``old`` (found exactly ``count`` times) replaced by ``new``."""
    assert text.count(old) == count, f"{old!r} is in the text {text.count(old)} times"
    return text.replace(old, new)


def field_block(text: str, name: str, occurrence: int = 1) -> str:
    """The text of a field block, from its bullet to the next bullet or heading."""
    start = -1
    for _ in range(occurrence):
        start = text.index(f"  • {name}\n", start + 1)
    ends = [
        text.find(marker, start + 1)
        for marker in (
            "\n  • ",
            "\nRequired\n",
            "\nOptional\n",
            "\nRequest sample",
            "\nResponse sample",
        )
    ]
    return text[start : min(e for e in ends if e > 0) + 1]


def set_version(text: str, name: str, version: str, direction: str = "Request") -> str:
    """The page with ``name`` dated ``version`` in its block and in the changelog."""
    block = field_block(text, name)
    text = edit(
        text,
        block,
        block.replace(
            "    Interface version\n    2.0\n", f"    Interface version\n    {version}\n"
        ),
    )
    return edit(text, f"2.0 {name} {direction}\n", f"{version} {name} {direction}\n")


def add_block(text: str, before: str, block: str, row: str = "") -> str:
    """A new field block printed just before the block of ``before``; a changelog row."""
    text = edit(text, f"  • {before}\n", block + f"  • {before}\n")
    if row:
        text = edit(text, "2.0 responseCode Response\n", f"2.0 responseCode Response\n{row}\n")
    return text


def new_block(name: str, presence: str, version: str, description: str, values: str = "") -> str:
    listed = f"\n    List of values\n{values}" if values else ""
    return (
        f"  • {name}\n    presence\n    {presence}\n    Interface version\n    {version}\n\n"
        f"    {description}\n{listed}\n"
    )


# --------------------------------------------------------------------------- running the command


@dataclass
class Run:
    code: int
    out: str
    err: str
    spec: Path
    diff: SpecDiff

    def found(self) -> set[tuple[str, str, str]]:
        return {(c.id, c.severity, c.path) for c in self.diff.changes}

    def change(self, path: str) -> tuple[str | None, str | None]:
        [change] = [c for c in self.diff.changes if c.path == path]
        return change.old, change.new

    def messages(self, level: str) -> list[str]:
        return [line for line in self.err.splitlines() if f": {level}: " in line]


ImportRun = Callable[..., Run]


@pytest.fixture(scope="module")
def reviewed() -> tuple[Path, Spec]:
    """spec/ as it is: its notes quote the page where the spec keeps its own wording."""
    return REPO / "spec", load_spec(REPO / "spec")


@pytest.fixture(scope="module")
def original() -> Spec:
    return load_spec(REPO / "spec")


def copy_spec(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "spec"
    shutil.copytree(source, target)
    return target


def run_import(
    capsys: pytest.CaptureFixture[str],
    spec_dir: Path,
    before: Spec,
    text: str,
    *flags: str,
    name: str = "page.txt",
) -> Run:
    page = spec_dir.parent / name
    page.write_text(text, encoding="utf-8")
    code = main([str(page), "--spec", str(spec_dir), *flags])
    captured = capsys.readouterr()
    after = load_spec(spec_dir) if code != 2 else before
    return Run(code, captured.out, captured.err, spec_dir, diff_specs(before, after))


@pytest.fixture
def importer(
    capsys: pytest.CaptureFixture[str], reviewed: tuple[Path, Spec], tmp_path: Path
) -> ImportRun:
    """``importer(text, *flags)``: import into a fresh copy of the reviewed spec."""
    source, before = reviewed
    runs = iter(range(100))

    def run(text: str, *flags: str) -> Run:
        place = tmp_path / f"run{next(runs)}"
        place.mkdir()
        return run_import(capsys, copy_spec(source, place), before, text, *flags)

    return run


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


# --------------------------------------------------------------------------- the page


def test_the_page_is_a_copy_of_the_shared_reference() -> None:
    if not SHARED_PAGE.is_file():
        pytest.skip(f"{SHARED_PAGE} is not next to this checkout")
    assert PAGE.read_bytes() == SHARED_PAGE.read_bytes()


def test_the_parser_reads_the_real_page() -> None:
    page, messages = parse_page(page_text(), "p.txt")
    assert (page.function, page.function_line, page.release) == ("paymentTokenGenerate", 9, "24.2")
    assert page.description == "Generate a payment token fro a hosted fields payment."
    assert (page.recommended_prefix, page.recommended_version) == ("TR_WS_", Version((2, 53)))
    assert [(e.kind, e.environment, e.method, e.line) for e in page.endpoints] == [
        ("rest", "production", "POST", 17),
        ("rest", "test", "POST", 21),
        ("wsdl", "production", "POST", 25),
        ("wsdl", "test", "POST", 29),
    ]
    request = [(b.name, b.presence, str(b.version), b.line) for b in page.blocks("request")]
    assert request[:3] == [
        ("keyVersion", "required", "2.0", 36),
        ("seal", "required", "2.0", 44),
        ("cardCSCValue", "optional", "2.0", 54),
    ]
    assert len(request) == 12
    assert [(b.name, b.presence, b.line) for b in page.blocks("response")] == [
        ("seal", "required", 300),
        ("errorFieldName", "optional", 310),
        ("paymentToken", "optional", 318),
        ("responseCode", "optional", 326),
    ]
    interface = page.block("request", "interfaceVersion")
    assert interface is not None and interface.description.endswith(
        "(e.g. IR_WS_2.47). Please refer to the function page for the value to use. Use the latest "
        "interface version number."
    )
    brand = page.block("request", "paymentMeanBrand")
    assert brand is not None and len(brand.values) == 57 and brand.values_line == 115
    by_value = {v.value: v for v in brand.values}
    assert by_value["VISA"].attributes == (("paymentMeanBrandType", "CARD"),)
    assert by_value["VISA"].description == "Visa card"
    assert by_value["1EUROCOM"].attributes == (("Acquisition contract", "ONLINE_CREDIT"),)
    assert (by_value["MASTERPASS"].description, by_value["MASTERPASS"].attributes) == (
        "Deprecated - MasterPass",
        (("paymentMeanBrandType", ""),),
    )
    status = page.block("request", "paymentMeanBrandSelectionStatus")
    assert status is not None and [v.value for v in status.values] == [
        "APPLIED_DEFAULT",
        "APPLIED_HOLDER",
        "",
        "NOT_APPLICABLE",
    ]
    codes = page.block("response", "responseCode")
    assert codes is not None and len(codes.values) == 26
    assert [v.description for v in codes.values if v.value == "24"] == [
        "In response to a cash management operation: operation not authorized. The operation you "
        "wish to perform is not compliant with the transaction status or another operation is in "
        "progress at the same time / In response to a payment creation: operation rejected, "
        "request already carried out with the same data and the same parameters"
    ]
    soap = page.sample("request", "soap")
    assert soap is not None and soap.root == "paymentTokenGenerate"
    assert [e.name for e in soap.entries][:2] == ["merchantId", "interfaceVersion"]
    response = page.sample("response", "soap")
    assert response is not None and response.namespace == "urn:sips:cn:contract:office:token:v2"
    json_response = page.sample("response", "json")
    assert json_response is not None
    assert [(e.name, e.line) for e in json_response.entries] == [
        ("paymentToken", 392),
        ("responseCode", 393),
        ("seal", 394),
    ]
    assert len(page.changelog) == 15
    assert [r.directions for r in page.changelog if r.field == "seal"] == [("request", "response")]
    # the only remark: the JSON response sample's trailing comma (not valid JSON, read anyway)
    assert [(m.level, m.line) for m in messages] == [("info", 391)]


def test_wrapped_lines_bullets_and_suffixes() -> None:
    lines = "Carte Bancaire\n    paymentMeanBrandType: CARD"
    page = edit(page_text(), "    Carte Bancaire paymentMeanBrandType: CARD\n", f"    {lines}\n")
    parsed, _ = parse_page(page, "p.txt")
    brand = parsed.block("request", "paymentMeanBrand")
    assert brand is not None
    [cb] = [v for v in brand.values if v.value == "CB"]
    assert (cb.description, cb.attributes) == (
        "Carte Bancaire",
        (("paymentMeanBrandType", "CARD"),),
    )
    assert split_attributes("Paylib paymentMeanBrandType:") == (
        "Paylib",
        (("paymentMeanBrandType", ""),),
    )
    assert split_attributes("Function not supported: the operation") == (
        "Function not supported: the operation",
        (),
    )


def test_decision_rules() -> None:
    note = 'The pages say "Card expiry date. If the card does not have any expiry date, this field is empty"'
    assert quotes(
        note, "Card expiry date. If the card does not have any expiry date, this field is empty."
    )
    assert not quotes(
        "Our reading: " + note, "Card expiry date. If the card does not have any expiry date"
    )
    # the words the spec does not have are enough, if they are more than a word
    assert quotes(
        'The page adds "Use the latest version."', "A field. Use the latest version.", "A field."
    )
    assert not quotes("fro", "Generate a token fro a payment.", "Generate a token for a payment.")
    assert same_text("the merchant’s “key”", 'the merchant\'s  "key"')
    assert not same_text("Visa card", "VISA card")  # a change of case is the page's to make


def test_yaml_edits_keep_the_rest_of_the_file() -> None:
    text = (
        "# a comment\n"
        "a:\n"
        "  description: >-\n"
        "    Two lines of\n"
        "    text.\n"
        '  since: "2.0"  # kept\n'
        "list:\n"
        "  - {field: x, presence: optional}\n"
        "  # about y\n"
        '  - {field: y, presence: required, since: "2.12"}\n'
    )
    doc = Document(text, "t.yaml")
    assert doc.set(("a",), "description", "Two lines of text.") is False  # same value: no edit
    doc.set(("a",), "description", "One line.")
    doc.set(("list", 1), "since", "2.40", version=True)
    doc.remove(("list", 1), "since")
    doc.set(("list", 0), "presence", "conditional")
    doc.reorder(("list",), [1, 0])
    assert doc.text == (
        "# a comment\n"
        "a:\n"
        "  description: >-\n"
        "    One line.\n"
        '  since: "2.0"  # kept\n'
        "list:\n"
        "  # about y\n"
        "  - {field: y, presence: required}\n"
        "  - {field: x, presence: conditional}\n"
    )
    assert yaml.safe_load("{k: 2.0}") == {"k": 2.0}  # a plain 2.0 is a number …
    assert render_scalar("2.0", flow=True) == '"2.0"'  # … so the text 2.0 is quoted,
    assert render_scalar("a: b", flow=True) == '"a: b"'  # as a text that would read as a mapping
    assert render_scalar("Visa card", flow=True) == "Visa card"


# --------------------------------------------------------------------------- round trip


def test_round_trip_of_the_real_page(
    capsys: pytest.CaptureFixture[str], original: Spec, tmp_path: Path
) -> None:
    """Importing the real page into spec/ as it is changes nothing. Where the page differs, a
    note records the decision and the import keeps it (listed):

    1. the function's description: the page says "fro a hosted fields payment" (a typo; the note
       quotes the page);
    2. fields.yaml interfaceVersion: the page's second paragraph ("Please refer to the function
       page …") is about the pages, not the field (the note quotes it);
    3. cardExpiryDate's "(YYYYMM)", interfaceVersion's value list (a prefix only), BCMCMOBILE
       (another page's value) and 1EUROCOM's "Acquisition contract".
    """
    spec_dir = copy_spec(REPO / "spec", tmp_path)
    before = tree(spec_dir)
    run = run_import(capsys, spec_dir, original, page_text())
    assert (run.code, run.found()) == (0, set()), run.err
    assert tree(spec_dir) == before
    kept = [m.split(": kept: ")[1].split(":")[0] for m in run.messages("kept")]
    assert kept == [
        f"{FUNCTION}.description",
        "fields.cardExpiryDate.description",
        "fields.interfaceVersion.description",
        "fields.interfaceVersion.enum",
        "enums.paymentMeanBrand.BCMCMOBILE",
        "enums.paymentMeanBrand.1EUROCOM.attributes",
    ]


def test_with_the_proposed_notes_the_round_trip_changes_nothing(
    capsys: pytest.CaptureFixture[str], reviewed: tuple[Path, Spec], tmp_path: Path
) -> None:
    spec_dir = copy_spec(reviewed[0], tmp_path)
    before = tree(spec_dir)
    run = run_import(capsys, spec_dir, reviewed[1], page_text())
    assert (run.code, run.found()) == (0, set())
    assert tree(spec_dir) == before
    assert any(f"kept: {FUNCTION}.description" in m for m in run.messages("kept"))
    assert any("kept: fields.interfaceVersion.description" in m for m in run.messages("kept"))


def test_importing_twice_changes_nothing_the_second_time(
    capsys: pytest.CaptureFixture[str], reviewed: tuple[Path, Spec], tmp_path: Path
) -> None:
    """A page that changes a lot (new fields, enum, values, presences, versions): the second
    import leaves every byte as the first left it."""
    text = page_text()
    text = add_block(
        text,
        "paymentTokenConsumerMerchantId",
        new_block(
            "paymentTokenUsage",
            "Optional",
            "2.55",
            "How the token may be used.",
            "    ONE_SHOT\n    One payment\n    RECURRING\n    Several payments\n",
        ),
        "2.55 paymentTokenUsage Request",
    )
    text = edit(text, "    VPAY\n    VPAY card (Visa) paymentMeanBrandType: CARD\n", "")
    text = edit(
        text,
        "    99\n    Temporarily problem with the payment server\n",
        "    99\n    Temporarily problem with the payment server\n    42\n    A new code\n",
    )
    text = set_version(text, "cardCSCValue", "2.40")
    text = edit(
        text,
        '  "merchantId": "001112233440000",\n',
        '  "merchantId": "001112233440000",\n  "paymentTokenUsage": "ONE_SHOT",\n',
    )
    spec_dir = copy_spec(reviewed[0], tmp_path)
    first = run_import(capsys, spec_dir, reviewed[1], text)
    assert first.code == 0, first.err
    assert len(first.found()) == 5
    written = tree(spec_dir)
    again = run_import(capsys, spec_dir, load_spec(spec_dir), text)
    assert (again.code, again.found()) == (0, set())
    assert tree(spec_dir) == written
    assert "would change" not in again.err and "changed nothing" in again.err


def test_importing_a_new_service_twice_changes_nothing_the_second_time(
    capsys: pytest.CaptureFixture[str], reviewed: tuple[Path, Spec], tmp_path: Path
) -> None:
    text = page_text().replace("paymentTokenGenerate", "hostedFieldsTokenize")
    text = text.replace("/token", "/hostedFields").replace(
        "office:token:v2", "office:hostedFields:v2"
    )
    text = edit(text, "TR_WS_2.53", "HF_WS_2.53")
    text = edit(text, "    TR_WS_2.\n", "    HF_WS_2.\n")
    spec_dir = copy_spec(reviewed[0], tmp_path)
    first = run_import(capsys, spec_dir, reviewed[1], text)
    assert (first.code, first.found()) == (0, {("service-added", "INFO", "hostedFields")})
    written = tree(spec_dir)
    again = run_import(capsys, spec_dir, load_spec(spec_dir), text)
    assert (again.code, again.found(), tree(spec_dir)) == (0, set(), written)


def test_several_pages_in_one_run(
    capsys: pytest.CaptureFixture[str], reviewed: tuple[Path, Spec], tmp_path: Path
) -> None:
    """Pages are imported in the order given; the diff covers them all; two pages that describe
    a shared field differently are reported (the last one wins)."""
    spec_dir = copy_spec(reviewed[0], tmp_path)
    first = tmp_path / "first.txt"
    first.write_text(edit(page_text(), "TR_WS_2.53", "TR_WS_2.55"), encoding="utf-8")
    second = page_text().replace("paymentTokenGenerate", "paymentTokenRefresh")
    second = edit(second, "    Card number (format N19", "    The card number (format N19")
    (tmp_path / "second.txt").write_text(second, encoding="utf-8")
    code = main([str(first), str(tmp_path / "second.txt"), "--spec", str(spec_dir)])
    err = capsys.readouterr().err
    diff = diff_specs(reviewed[1], load_spec(spec_dir))
    assert {(c.id, c.severity, c.path) for c in diff.changes} == {
        (
            "function-recommended-version-changed",
            "INFO",
            f"{FUNCTION}.recommended_interface_version",
        ),
        ("function-added", "INFO", "token.paymentTokenRefresh"),
        ("description-changed", "INFO", "fields.cardNumber.description"),
    }
    assert code == 1
    assert f"second.txt:76: warning: fields.cardNumber: described differently by {first}:76" in err


def test_the_command_prints_the_spec_diff(
    capsys: pytest.CaptureFixture[str], reviewed: tuple[Path, Spec], tmp_path: Path
) -> None:
    text = edit(page_text(), "    VPAY\n    VPAY card (Visa) paymentMeanBrandType: CARD\n", "")
    spec_dir = copy_spec(reviewed[0], tmp_path)
    run = run_import(capsys, spec_dir, reviewed[1], text, "--format", "json")
    report = json.loads(run.out)
    assert [(c["id"], c["severity"], c["path"]) for c in report["changes"]] == [
        ("enum-value-removed", "ERR", "enums.paymentMeanBrand.VPAY")
    ]
    assert report["changes"] == json.loads(render_json(run.diff))["changes"]


def test_dry_run_writes_nothing(
    capsys: pytest.CaptureFixture[str], reviewed: tuple[Path, Spec], tmp_path: Path
) -> None:
    text = edit(page_text(), "    VPAY\n    VPAY card (Visa) paymentMeanBrandType: CARD\n", "")
    spec_dir = copy_spec(reviewed[0], tmp_path)
    before = tree(spec_dir)
    page = tmp_path / "page.txt"
    page.write_text(text, encoding="utf-8")
    assert main([str(page), "--spec", str(spec_dir), "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert "enum-value-removed" in out and "would change" in err
    assert tree(spec_dir) == before


# --------------------------------------------------------------------------- variants


def test_new_field(importer: ImportRun) -> None:
    """A field neither the function nor fields.yaml has, dated the latest version."""
    text = add_block(
        page_text(),
        "paymentTokenConsumerMerchantId",
        new_block(
            "paymentTokenLifetime", "Optional", LATEST, "Lifetime of the payment token in minutes."
        ),
        f"{LATEST} paymentTokenLifetime Request",
    )
    run = importer(text)
    assert run.code == 0, run.err
    assert run.found() == {("request-field-added", "INFO", f"{REQUEST}.paymentTokenLifetime")}
    spec = load_spec(run.spec)
    field = spec.fields["paymentTokenLifetime"]
    assert (str(field.format), str(field.since)) == ("ANSU1024", LATEST)
    assert "prints no format" in field.note and "page.txt, line" in field.note
    names = [u.name for u in spec.service("token").function_map["paymentTokenGenerate"].request]
    # after the function's own fields, before the envelope fields the client fills in
    assert names[7:9] == ["paymentTokenConsumerMerchantId", "paymentTokenLifetime"]
    assert any(
        "paymentTokenLifetime: the page prints no format" in m for m in run.messages("review")
    )


def test_new_field_with_values_in_the_soap_sample(importer: ImportRun) -> None:
    usage = new_block(
        "paymentTokenUsage",
        "Conditional",
        "2.0",
        "How the token may be used.",
        "    ONE_SHOT\n    One payment\n    RECURRING\n    Several payments\n",
    )
    text = edit(page_text(), "\nRequest sample\n", f"\nConditional\n\n{usage}\nRequest sample\n")
    text = edit(
        text,
        "2.0 sealAlgorithm Request\n",
        "2.0 sealAlgorithm Request\n2.0 paymentTokenUsage Request\n",
    )
    text = edit(
        text,
        "            <urn:paymentMeanBrand>VISA</urn:paymentMeanBrand>\n",
        "            <urn:paymentTokenUsage>ONE_SHOT</urn:paymentTokenUsage>\n"
        "            <urn:paymentMeanBrand>VISA</urn:paymentMeanBrand>\n",
    )
    run = importer(text)
    assert run.code == 0, run.err
    assert run.found() == {
        ("request-field-added", "INFO", f"{REQUEST}.paymentTokenUsage"),
        ("enum-added", "INFO", "enums.paymentTokenUsage"),
    }
    spec = load_spec(run.spec)
    assert [v.value for v in spec.enums["paymentTokenUsage"].values] == ["ONE_SHOT", "RECURRING"]
    assert spec.enums["paymentTokenUsage"].note.startswith("Closed: ")
    uses = spec.service("token").function_map["paymentTokenGenerate"].request
    # where the SOAP sample puts it: the SOAP element order
    assert [u.name for u in uses][4:7] == ["cardCSCValue", "paymentTokenUsage", "paymentMeanBrand"]
    assert [u.presence for u in uses if u.name == "paymentTokenUsage"] == ["conditional"]


def test_a_field_of_fields_yaml_new_to_the_function(importer: ImportRun) -> None:
    text = add_block(
        page_text(),
        "paymentTokenConsumerMerchantId",
        new_block("customerId", "Optional", "2.0", "Identifier of the customer."),
        "2.0 customerId Request",
    )
    run = importer(text)
    assert run.found() == {
        ("request-field-added", "INFO", f"{REQUEST}.customerId"),
        ("description-changed", "INFO", "fields.customerId.description"),
    }


def test_removed_field(importer: ImportRun) -> None:
    text = edit(page_text(), field_block(page_text(), "paymentTokenConsumerMerchantId"), "")
    text = edit(text, "2.0 paymentTokenConsumerMerchantId Request\n", "")
    run = importer(text)
    assert (run.code, run.found()) == (
        0,
        {("request-field-removed", "ERR", f"{REQUEST}.paymentTokenConsumerMerchantId")},
    )


def test_removed_values(importer: ImportRun) -> None:
    text = edit(page_text(), "    VPAY\n    VPAY card (Visa) paymentMeanBrandType: CARD\n", "")
    text = edit(
        text,
        "    57\n    Refund operation refused because the original transaction was subject of an unpaid\n",
        "",
    )
    run = importer(text)
    assert run.found() == {
        ("enum-value-removed", "ERR", "enums.paymentMeanBrand.VPAY"),  # integrators send it
        ("enum-value-removed", "WARN", "enums.responseCode.57"),  # they only receive it
    }


def test_added_values_and_empty(importer: ImportRun) -> None:
    text = edit(
        page_text(),
        "    SHA-256\n    The encryption algorithm applied is SHA-256\n",
        "    SHA-256\n    The encryption algorithm applied is SHA-256\n    Empty\n    No algorithm\n",
    )
    text = edit(
        text,
        "    99\n    Temporarily problem with the payment server\n",
        "    99\n    Temporarily problem with the payment server\n    42\n    A new code\n",
    )
    run = importer(text)
    assert run.found() == {
        ("enum-value-added", "INFO", "enums.sealAlgorithm."),  # request only
        ("enum-value-added", "WARN", "enums.responseCode.42"),  # integrators' code must handle it
    }
    spec = load_spec(run.spec)
    assert [(v.value, v.name) for v in spec.enums["sealAlgorithm"].values][-1] == ("", "EMPTY")
    assert [(v.value, v.name) for v in spec.enums["responseCode"].values][-1] == ("42", "VALUE_42")
    assert any("member name VALUE_42 is ours" in m for m in run.messages("review"))


def test_changed_presence(importer: ImportRun) -> None:
    text = page_text()
    block = field_block(text, "cardCSCValue")
    text = edit(text, block, "")
    text = edit(
        text,
        "Required\n\n  • keyVersion",
        "Required\n\n" + block.replace("    Optional\n", "    Required\n") + "  • keyVersion",
    )
    block = field_block(text, "responseCode")
    text = edit(text, block, "")
    text = edit(
        text,
        "Required\n\n  • seal\n",
        "Required\n\n" + block.replace("    Optional\n", "    Required\n") + "  • seal\n",
    )
    run = importer(text)
    assert run.code == 0, run.err
    assert run.found() == {
        ("request-field-became-required", "ERR", f"{REQUEST}.cardCSCValue"),
        ("response-field-became-required", "INFO", f"{RESPONSE}.responseCode"),
    }


def test_presence_line_disagreeing_with_its_list(importer: ImportRun) -> None:
    block = field_block(page_text(), "cardCSCValue")
    text = edit(page_text(), block, block.replace("    Optional\n", "    Conditional\n"))
    run = importer(text)
    assert run.found() == {("request-field-presence-changed", "INFO", f"{REQUEST}.cardCSCValue")}
    assert run.code == 1
    assert [m.split(": warning: ")[0].rsplit(":", 1)[1] for m in run.messages("warning")] == ["56"]


def test_changed_versions(importer: ImportRun) -> None:
    """cardCSCValue is shared (the function's entry gets `since`); paymentTokenConsumerMerchantId
    is only this function's (fields.yaml gets it); AFTER is after the target (the latest)."""
    text = set_version(page_text(), "cardCSCValue", "2.40")
    text = set_version(text, "paymentTokenConsumerMerchantId", "2.40")
    text = set_version(text, "cardNumber", AFTER)
    run = importer(text)
    assert run.code == 0, run.err
    assert run.found() == {
        ("request-field-since-changed", "INFO", f"{REQUEST}.cardCSCValue"),
        ("field-since-changed", "INFO", "fields.paymentTokenConsumerMerchantId"),
        ("request-field-no-longer-available", "ERR", f"{REQUEST}.cardNumber"),
    }
    token = (run.spec / "services" / "token.yaml").read_text(encoding="utf-8")
    assert '- {field: cardCSCValue, presence: optional, since: "2.40"}' in token


def test_changelog_disagreeing_with_a_field_block(importer: ImportRun) -> None:
    text = edit(page_text(), "2.0 cardNumber Request\n", "2.46 cardNumber Request\n")
    run = importer(text)
    assert run.code == 1
    assert run.found() == {("request-field-since-changed", "INFO", f"{REQUEST}.cardNumber")}
    [warning] = run.messages("warning")
    assert warning.endswith(
        "page.txt:74: warning: the changelog dates cardNumber (request) 2.46 (line 413) but its "
        "field block says 2.0: since 2.46 is taken from the changelog"
    )


def test_changelog_naming_other_fields(importer: ImportRun) -> None:
    text = edit(page_text(), "2.0 paymentToken Response\n", "2.0 paymentToken Request\n")
    run = importer(text)
    assert (run.code, run.found()) == (1, set())
    warnings = run.messages("warning")
    assert any(
        ":318: warning: paymentToken (response) is not in the changelog" in m for m in warnings
    )
    assert any(
        ":424: warning: the changelog lists paymentToken as a request field" in m for m in warnings
    )


def test_samples_naming_an_unknown_field_or_showing_a_list(importer: ImportRun) -> None:
    text = edit(
        page_text(),
        '  "merchantId": "001112233440000",\n',
        '  "merchantId": "001112233440000",\n  "paymentTokenUsage": "ONE_SHOT",\n',
    )
    text = edit(text, '  "paymentMeanBrand": "VISA",\n', '  "paymentMeanBrand": ["VISA", "CB"],\n')
    text = edit(
        text,
        "            <responseCode>00</responseCode>\n",
        "            <responseCode>00</responseCode>\n            <transactionStatus>OK</transactionStatus>\n",
    )
    run = importer(text)
    assert (run.code, run.found()) == (1, set())
    warnings = [m.split("page.txt:")[1] for m in run.messages("warning")]
    assert warnings == [
        "280: warning: the JSON request sample names paymentTokenUsage, which is not a request field of the page",
        "281: warning: the JSON request sample shows paymentMeanBrand as a list, but the field is a string",
        "402: warning: the SOAP response sample names transactionStatus, which is not a response field of the page",
    ]


def test_soap_sample_in_another_namespace(importer: ImportRun) -> None:
    text = edit(
        page_text(),
        'xmlns="urn:sips:cn:contract:office:token:v2"',
        'xmlns="urn:sips:cn:contract:office:tokens:v2"',
    )
    run = importer(text)
    assert run.code == 1
    assert any(
        "uses the namespace urn:sips:cn:contract:office:tokens:v2" in m
        for m in run.messages("warning")
    )


def test_descriptions_over_several_lines_and_nested_bullets(importer: ImportRun) -> None:
    """Wrapping and bullets are layout: the same words give no change; new words do."""
    text = edit(
        page_text(),
        "    Card number (format N19 unless the card number is a Token, and in this case, the format is ANS128).\n",
        "    Card number (format N19 unless the card number is a Token,\n    and in this case, the format is ANS128).\n",
    )
    text = edit(
        text,
        "    • In response to a cash management operation: operation not authorized. The operation you wish to perform is not compliant with the transaction status or another operation is in progress at the same time\n",
        "    • In response to a cash management operation: operation not authorized.\n      The operation you wish to perform is not compliant with the transaction status or another\n      operation is in progress at the same time\n",
    )
    text = edit(
        text,
        "    Visa card paymentMeanBrandType: CARD\n",
        "    Visa card\n    paymentMeanBrandType: CARD\n",
    )
    assert (importer(text).found()) == set()
    text = edit(
        text,
        "the same data and the same parameters\n",
        "the same data and the same parameters\n    • In response to a refund: the refund is being processed\n",
    )
    run = importer(text)
    assert run.found() == {("description-changed", "INFO", "enums.responseCode.24.description")}
    new = run.change("enums.responseCode.24.description")[1]
    assert new is not None
    assert new.endswith(
        "the same parameters / In response to a refund: the refund is being processed"
    )
    assert join_text([]) == ""


def test_curly_quotes(importer: ImportRun) -> None:
    """Curly and straight quotes say the same; a text that changes is written as the page has it."""
    text = edit(page_text(), "merchant’s secret key", "merchant's secret key")
    text = edit(
        text, "Merchant doesn’t accept prepaid cards", "Merchant doesn't accept prepaid cards"
    )
    assert importer(text).found() == set()
    text = edit(
        text,
        "Identifier of the merchant who is authorized",
        "Identifier of the merchant’s “consumer” who is authorized",
    )
    run = importer(text)
    assert run.found() == {
        ("description-changed", "INFO", "fields.paymentTokenConsumerMerchantId.description")
    }
    assert "merchant’s “consumer” who" in (run.spec / "fields.yaml").read_text(encoding="utf-8")


def test_payment_mean_brand_type_suffixes(importer: ImportRun) -> None:
    text = edit(
        page_text(),
        "    Visa card paymentMeanBrandType: CARD\n",
        "    Visa card paymentMeanBrandType: WALLET\n",
    )
    text = edit(
        text,
        "    Deprecated - MasterPass paymentMeanBrandType:\n",
        "    Deprecated - MasterPass paymentMeanBrandType: WALLET\n",
    )
    run = importer(text)
    assert run.found() == {
        ("enum-value-attributes-changed", "INFO", "enums.paymentMeanBrand.VISA"),
        ("enum-value-attributes-changed", "INFO", "enums.paymentMeanBrand.MASTERPASS"),
    }
    brand = (run.spec / "enums" / "paymentMeanBrand.yaml").read_text(encoding="utf-8")
    assert (
        '- {value: "VISA", description: "Visa card", attributes: {paymentMeanBrandType: WALLET}}'
        in brand
    )
    assert (
        '- {value: "MASTERPASS", description: "Deprecated - MasterPass", attributes: {paymentMeanBrandType: WALLET}, deprecated: true}'
        in brand
    )


def test_deprecation_from_the_description(importer: ImportRun) -> None:
    text = edit(
        page_text(),
        "    Lydia paymentMeanBrandType: PROVIDER\n",
        "    Deprecated - Lydia paymentMeanBrandType: PROVIDER\n",
    )
    run = importer(text)
    assert run.found() == {
        ("enum-value-deprecated", "INFO", "enums.paymentMeanBrand.LYDIA"),
        ("description-changed", "INFO", "enums.paymentMeanBrand.LYDIA.description"),
    }


def test_recommended_version(importer: ImportRun) -> None:
    run = importer(edit(page_text(), "TR_WS_2.53", "TR_WS_2.55"))
    assert run.found() == {
        (
            "function-recommended-version-changed",
            "INFO",
            f"{FUNCTION}.recommended_interface_version",
        )
    }
    run = importer(edit(page_text(), "TR_WS_2.53", f"TR_WS_{AFTER}"))
    assert (run.code, run.found()) == (1, set())
    assert any(
        f"newer than platform.yaml's latest_interface_version {LATEST}" in m
        for m in run.messages("warning")
    )


def test_endpoint_that_platform_yaml_does_not_give(importer: ImportRun) -> None:
    text = edit(
        page_text(),
        "    https://office-server.sogenactif.com/services/v2/token?wsdl\n",
        "    https://office-server2.sogenactif.com/services/v2/token?wsdl\n",
    )
    run = importer(text)
    assert (run.code, run.found()) == (1, set())
    assert any(":25: warning: PROD https://office-server2" in m for m in run.messages("warning"))


def test_new_function_and_new_service(importer: ImportRun) -> None:
    text = page_text().replace("paymentTokenGenerate", "paymentTokenRefresh")
    run = importer(text)
    assert run.code == 0, run.err
    assert run.found() == {("function-added", "INFO", "token.paymentTokenRefresh")}
    function = load_spec(run.spec).service("token").function_map["paymentTokenRefresh"]
    assert [u.name for u in function.request] == [
        "merchantId",
        "interfaceVersion",
        "cardNumber",
        "cardExpiryDate",
        "cardCSCValue",
        "paymentMeanBrand",  # the SOAP sample's order, then the function's own fields, then …
        "paymentMeanBrandSelectionStatus",
        "paymentTokenConsumerMerchantId",
        "keyVersion",
        "intermediateServiceProviderId",
        "sealAlgorithm",
        "seal",  # … the envelope, seal last
    ]
    assert (str(function.recommended_interface_version), len(function.urls)) == ("2.53", 4)
    token = (run.spec / "services" / "token.yaml").read_text(encoding="utf-8")
    assert (
        token.count("production: https://office-server.sogenactif.com/services/v2/token?wsdl\n")
        == 5
    )
    text = edit(
        page_text(),
        "Recommended interfaceVersion: TR_WS_2.53",
        "Recommended interfaceVersion: HF_WS_2.53",
    )
    text = text.replace("paymentTokenGenerate", "hostedFieldsTokenize").replace(
        "/token", "/hostedFields"
    )
    text = text.replace("office:token:v2", "office:hostedFields:v2")
    run = importer(text)
    assert run.found() == {("service-added", "INFO", "hostedFields")}
    service = load_spec(run.spec).service("hostedFields")
    assert service.interface_prefix == "HF_WS_"
    assert any(
        "interfaceVersion lists TR_WS_2., but the service's interface prefix is HF_WS_" in m
        for m in run.messages("warning")
    )


# --------------------------------------------------------------------------- decisions


def test_a_note_that_quotes_the_page_keeps_its_description(importer: ImportRun) -> None:
    run = importer(page_text())
    [kept] = [m for m in run.messages("kept") if "cardExpiryDate" in m]
    assert kept.split("page.txt:")[1].startswith("68: kept: fields.cardExpiryDate.description")
    run = importer(page_text(), "--override-decisions")
    assert run.found() == {
        ("description-changed", "INFO", "fields.cardExpiryDate.description"),
        ("description-changed", "INFO", f"{FUNCTION}.description"),
        ("description-changed", "INFO", "fields.interfaceVersion.description"),
        ("enum-value-removed", "ERR", "enums.paymentMeanBrand.BCMCMOBILE"),
        ("enum-value-attributes-changed", "INFO", "enums.paymentMeanBrand.1EUROCOM"),
        ("field-enum-changed", "ERR", "fields.interfaceVersion"),
        ("enum-added", "INFO", "enums.interfaceVersion"),
    }
    assert len(run.messages("review")) >= 7 and run.messages("kept") == []


def test_a_field_whose_entry_has_a_note_is_not_dropped_silently(
    capsys: pytest.CaptureFixture[str], reviewed: tuple[Path, Spec], tmp_path: Path
) -> None:
    spec_dir = copy_spec(reviewed[0], tmp_path)
    token = spec_dir / "services" / "token.yaml"
    token.write_text(
        edit(
            token.read_text(encoding="utf-8"),
            "      - {field: paymentTokenConsumerMerchantId, presence: optional}\n",
            '      - {field: paymentTokenConsumerMerchantId, presence: optional, since: "2.40", '
            'note: "Dated 2.40 by the Worldline page, which this one contradicts."}\n',
        ),
        encoding="utf-8",
    )
    before = load_spec(spec_dir)
    run = run_import(capsys, spec_dir, before, page_text())  # the page dates it 2.0
    assert (run.code, run.found()) == (1, set())
    [conflict] = run.messages("conflict")
    assert (
        "paymentTokenConsumerMerchantId.since: the page says 2.0; the spec keeps 2.40" in conflict
    )
    text = edit(page_text(), field_block(page_text(), "paymentTokenConsumerMerchantId"), "")
    text = edit(text, "2.0 paymentTokenConsumerMerchantId Request\n", "")
    run = run_import(capsys, spec_dir, before, text)
    assert (run.code, run.found()) == (1, set())
    assert any(
        "no request field paymentTokenConsumerMerchantId; the spec keeps it" in m
        for m in run.messages("conflict")
    )
    run = run_import(capsys, spec_dir, before, text, "--override-decisions")
    # with every other decision of test_a_note_that_quotes_the_page_keeps_its_description
    assert (
        "request-field-removed",
        "ERR",
        f"{REQUEST}.paymentTokenConsumerMerchantId",
    ) in run.found()
    assert len(run.found()) == 8
    assert any("removed with its note" in m for m in run.messages("review"))


# --------------------------------------------------------------------------- errors


def test_container_members_are_not_fields_of_the_function(importer: ImportRun) -> None:
    text = add_block(
        page_text(),
        "paymentTokenConsumerMerchantId",
        new_block("email", "Optional", "2.0", "Email address of the customer."),
        "2.0 email Request customerContact",
    )
    run = importer(text)
    assert (run.code, run.found()) == (0, set())
    assert any(
        ":247: info: email is a member of customerContact (changelog line 434)" in m
        for m in run.messages("info")
    )


def test_a_field_printed_twice(importer: ImportRun) -> None:
    block = field_block(page_text(), "cardCSCValue")
    run = importer(edit(page_text(), block, block + block))
    assert (run.code, run.found()) == (1, set())
    assert any(
        ":62: warning: cardCSCValue is printed twice in the request (also line 54)" in m
        for m in run.messages("warning")
    )


def test_unreadable_pages_exit_2_and_write_nothing(
    capsys: pytest.CaptureFixture[str], reviewed: tuple[Path, Spec], tmp_path: Path
) -> None:
    spec_dir = copy_spec(reviewed[0], tmp_path)
    before = tree(spec_dir)
    assert main([str(tmp_path / "missing.txt"), "--spec", str(spec_dir)]) == 2
    assert f"{tmp_path / 'missing.txt'}:0: error: cannot read the page" in capsys.readouterr().err
    block = field_block(page_text(), "cardNumber")
    bad = edit(page_text(), block, block.replace("    Optional\n", "    Sometimes\n"))
    run = run_import(capsys, spec_dir, reviewed[1], bad)
    assert run.code == 2
    assert (
        "page.txt:72: error: cardNumber: presence 'Sometimes' is not Required, Optional or Conditional"
        in run.err
    )
    run = run_import(capsys, spec_dir, reviewed[1], "Release 24.2\n\nnothing here\n")
    assert run.code == 2 and "page.txt:1: error: no function name" in run.err
    unknown = (
        page_text()
        .replace("paymentTokenGenerate", "somethingElse")
        .replace("/rs-services/v2/token/somethingElse", "/elsewhere")
    )
    unknown = unknown.replace("/services/v2/token?wsdl", "/elsewhere")
    run = run_import(capsys, spec_dir, reviewed[1], unknown)
    assert run.code == 2 and "no endpoint names its service" in run.err
    assert tree(spec_dir) == before


def _imports(path: Path) -> set[str]:
    """What a module imports: ``.sibling``, ``..package`` and top-level names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            dots = "." * node.level
            if node.module:
                found.add(dots + node.module)
            else:
                found.update(dots + alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_importer_modules_are_layered_as_documented() -> None:
    """Each module imports only those above it in the package's docstring; the page model and
    its parser know neither YAML nor the spec's loader."""
    package = REPO / "generator" / "importer"
    doc = (package / "__init__.py").read_text("utf-8")
    order = [m for m in re.findall(r"^- ``(\w+)``", doc, re.MULTILINE)]
    assert sorted(order) == sorted(p.stem for p in package.glob("*.py") if p.stem != "__init__")
    for i, module in enumerate(order):
        siblings = {
            name[1:]
            for name in _imports(package / f"{module}.py")
            if name.startswith(".") and not name.startswith("..")
        }
        assert siblings <= set(order[:i]), (module, siblings - set(order[:i]))
    for module in ("page", "parser"):
        imports = _imports(package / f"{module}.py")
        assert not {"yaml", "..spec.loader", ".yamledit", ".writer", ".merge"} & imports, module


def test_python_m_generator_import_is_wired() -> None:
    from generator.__main__ import main as generator_main

    with pytest.raises(SystemExit) as exit_info:
        generator_main(["import", "--help"])
    assert exit_info.value.code == 0
