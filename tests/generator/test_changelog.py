"""``python -m generator changelog``: the entry written from the spec diff (breaking changes
first), the version bump the changes call for, and a CHANGELOG.md that can be written again and
again until the release is cut without losing or repeating anything."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.changelog import HAND_WRITTEN, bump, entry, main, write
from generator.diff import diff_specs
from generator.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "{field: paymentTokenConsumerMerchantId, presence: optional}"


def _spec_copy(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name / "spec"
    shutil.copytree(ROOT / "spec", root)
    return root


def _edit(root: Path, service: str, old: str, new: str) -> None:
    path = root / "services" / f"{service}.yaml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The real spec, and a copy in which an optional request field became required (breaking)
    and a new optional one appeared (an addition)."""
    tmp = tmp_path_factory.mktemp("changelog")
    old, new = _spec_copy(tmp, "old"), _spec_copy(tmp, "new")
    _edit(
        new,
        "token",
        TOKEN,
        "{field: paymentTokenConsumerMerchantId, presence: required}\n"
        "      - {field: customerId, presence: optional}",
    )
    return old, new


def test_the_entry_puts_breaking_changes_first(changed: tuple[Path, Path]) -> None:
    old, new = changed
    result = diff_specs(load_spec(old), load_spec(new), "old", "new")
    text = entry(result, "0.3.0")
    assert text.startswith("## 0.3.0: Office Server interface version ")
    breaking = text.index("### Breaking changes (1)")
    additions = text.index("### Additions and other changes")
    assert breaking < additions
    assert "paymentTokenConsumerMerchantId" in text[breaking:additions]
    assert "customerId" in text[additions:]
    assert "Requests declare interface version" not in text  # the same target on both sides


@pytest.mark.parametrize(
    ("version", "breaking", "changes", "expected"),
    [
        ("0.2.0", True, True, "0.3.0"),
        ("0.2.0", False, True, "0.2.1"),
        ("0.2.3", False, False, "0.2.4"),
        ("1.4.2", True, True, "2.0.0"),
        ("1.4.2", False, True, "1.5.0"),
        ("1.4.2", False, False, "1.4.3"),
    ],
)
def test_the_bump_the_changes_call_for(
    changed: tuple[Path, Path],
    tmp_path: Path,
    version: str,
    breaking: bool,
    changes: bool,
    expected: str,
) -> None:
    old, new = changed
    if not changes:
        new = old
    elif not breaking:
        old = _spec_copy(tmp_path, "old")
        _edit(old, "token", TOKEN, "{field: paymentTokenConsumerMerchantId, presence: required}")
    result = diff_specs(load_spec(old), load_spec(new), "old", "new")
    assert bool(result.count("ERR")) is breaking and bool(result.changes) is changes
    assert bump(version, result) == expected


def test_writing_again_keeps_the_hand_written_section_once(
    changed: tuple[Path, Path], tmp_path: Path
) -> None:
    old, new = changed
    result = diff_specs(load_spec(old), load_spec(new), "old", "new")
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## 0.2.0: Office Server interface version 2.58\n\nOld.\n")
    write(changelog, entry(result, "0.3.0"), "0.3.0")
    first = changelog.read_text()
    # The maintainers add what changed in the client itself, under the entry's heading.
    hand = f"{HAND_WRITTEN}\n\n- The client learnt something.\n"
    head, _, rest = first.partition("### Breaking")
    changelog.write_text(f"{head}{hand}\n### Breaking{rest}")
    with_hand = changelog.read_text()
    for _ in range(3):  # the command is run until the release is cut
        write(changelog, entry(result, "0.3.0"), "0.3.0")
        assert changelog.read_text() == with_hand
    assert with_hand.count("- The client learnt something.") == 1
    assert with_hand.index("## 0.3.0") < with_hand.index("## 0.2.0") and "Old." in with_hand


def test_writing_again_after_a_version_bump_of_the_interface(tmp_path: Path) -> None:
    """The paragraph on the declared interface version has no heading of its own: it is not
    taken for part of the hand-written section (it was repeated once per run)."""
    old = _spec_copy(tmp_path, "old")
    new = _spec_copy(tmp_path, "new")
    platform = old / "platform.yaml"
    current = 'latest_interface_version: "2.58"'
    assert current in platform.read_text()
    platform.write_text(platform.read_text().replace(current, 'latest_interface_version: "2.55"'))
    result = diff_specs(load_spec(old), load_spec(new), "old", "new")
    assert result.new.target_interface_version != result.old.target_interface_version
    changelog = tmp_path / "CHANGELOG.md"
    write(changelog, entry(result, "0.3.0"), "0.3.0")
    text = changelog.read_text()
    head, _, rest = text.partition("\n### ")
    changelog.write_text(f"{head.rstrip()}\n\n{HAND_WRITTEN}\n\n- Kept.\n\n### {rest}")
    kept = changelog.read_text()
    write(changelog, entry(result, "0.3.0"), "0.3.0")
    write(changelog, entry(result, "0.3.0"), "0.3.0")
    assert changelog.read_text() == kept
    assert kept.count("Requests declare interface version") == 1


def test_the_command_prints_or_writes_and_warns_of_a_version_too_low(
    changed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, _ = changed
    assert main([str(old), "--print", "--version", "9.9.9"]) == 0
    assert capsys.readouterr().out.startswith("## 9.9.9: ")
    out = tmp_path / "CHANGELOG.md"
    assert main([str(old), "--output", str(out), "--version", "9.9.9"]) == 0
    assert out.read_text().startswith("# Changelog\n\n## 9.9.9: ")
    assert main([str(tmp_path / "nowhere"), "--print"]) == 2
    assert "changelog:" in capsys.readouterr().err
