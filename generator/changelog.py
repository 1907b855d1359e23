"""``python -m generator changelog [OLD] [--version X.Y.Z] [--output CHANGELOG.md]``.

A release's CHANGELOG entry, written from the spec diff between OLD (a spec folder or ``git:REV``,
by default ``git:HEAD``) and the working tree's spec: breaking changes first (ERR: integrators'
code may stop working), then what may break (WARN), then additions and other changes (INFO), each
with the Python names it touches. The entry also says which interface version requests declare by
default, and the version bump the changes call for (docs/versioning.md). Writing the same version
again replaces its entry: the command can be run until the release is cut.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from .diff import SourceError, SpecDiff, diff_specs, load_source
from .diff.model import Change

REPO = Path(__file__).resolve().parent.parent
TITLE = "# Changelog"
_SECTIONS = (
    ("ERR", "Breaking changes", "Integrators' code may stop working: read these first."),
    ("WARN", "May break", "Check these against your integration."),
    ("INFO", "Additions and other changes", ""),
)


def package_version(root: Path = REPO) -> str:
    """The package version, from pyproject.toml (its one source)."""
    data = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    return str(data["project"]["version"])


def released_version(source: str) -> str | None:
    """The package version at ``git:REV`` (pyproject.toml there), or None for a folder."""
    if not source.startswith("git:"):
        return None
    proc = subprocess.run(
        ["git", "show", f"{source[4:]}:pyproject.toml"],  # noqa: S607 - git from PATH
        cwd=REPO,
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        return None
    return str(tomllib.loads(proc.stdout.decode("utf-8"))["project"]["version"])


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".")[:3])


def bump(version: str, result: SpecDiff) -> str:
    """The version the changes call for (docs/versioning.md): a breaking change bumps the major
    version (the minor one before 1.0), anything else in the spec the minor one (the patch one
    before 1.0), no spec change the patch one."""
    major, minor, patch = (int(p) for p in version.split(".")[:3])
    if result.count("ERR"):
        return f"{major + 1}.0.0" if major else f"0.{minor + 1}.0"
    if result.changes:
        return f"{major}.{minor + 1}.0" if major else f"0.{minor}.{patch + 1}"
    return f"{major}.{minor}.{patch + 1}"


def _line(change: Change) -> str:
    names = "; ".join(f"`{n.code}` {n.effect}" for n in change.python[:4])
    more = f" (+{len(change.python) - 4} more)" if len(change.python) > 4 else ""
    text = f"- **{change.path}**: {change.message.rstrip('.')}."
    return text + (f" In your code: {names}{more}." if names else "")


def _is_note(change: Change) -> bool:
    """A change of a ``note:`` (sources, decisions): for reviewers, counted here, not listed."""
    return "note" in change.id.split("-")


def entry(result: SpecDiff, version: str) -> str:
    """The Markdown entry of ``version`` for the changes of ``result``."""
    old, new = result.old.target_interface_version, result.new.target_interface_version
    lines = [f"## {version}: Office Server interface version {new}", ""]
    if old != new:
        lines += [
            f"Requests declare interface version {new} by default (was {old}). A client keeps "
            f'declaring {old} with `Client(interface_version="{old}")`.',
            "",
        ]
    if not result.changes:
        lines += ["No change in the data dictionary.", ""]
    notes = [c for c in result.changes if _is_note(c)]
    for severity, title, intro in _SECTIONS:
        changes = [c for c in result.changes if c.severity == severity and not _is_note(c)]
        if not changes:
            continue
        lines += [f"### {title} ({len(changes)})", ""]
        if intro:
            lines += [intro, ""]
        lines += [_line(c) for c in changes] + [""]
    if notes:
        lines += [
            f"The spec's notes (sources and decisions) changed in {len(notes)} places: "
            "`python -m generator diff` lists them.",
            "",
        ]
    return "\n".join(lines)


# A section maintainers write themselves in an entry (what changed in the client itself): kept
# when the entry is written again.
HAND_WRITTEN = "### The client"


def write(path: Path, text: str, version: str) -> None:
    """Put ``text`` at the top of the changelog, replacing an entry of the same version but
    keeping its hand-written section (``### The client``)."""
    current = path.read_text("utf-8") if path.exists() else f"{TITLE}\n"
    body = current.split("\n", 1)[1] if current.startswith(TITLE) else "\n" + current
    pattern = re.compile(rf"^## {re.escape(version)}:.*?(?=^## |\Z)", re.S | re.M)
    old = pattern.search(body)
    kept = ""
    if old is not None and HAND_WRITTEN in old.group(0):
        kept = HAND_WRITTEN + old.group(0).split(HAND_WRITTEN, 1)[1].split("\n### ", 1)[0]
    body = pattern.sub("", body).lstrip("\n")
    entry = text.rstrip()
    if kept:
        # Before the first generated section, after the generated paragraphs that have no
        # heading: read back, the kept section ends at the next heading, whatever follows it.
        cut = entry.find("\n### ")
        entry = (
            f"{entry[:cut].rstrip()}\n\n{kept.rstrip()}\n\n{entry[cut + 1 :]}"
            if cut >= 0
            else f"{entry}\n\n{kept.rstrip()}"
        )
    path.write_text(f"{TITLE}\n\n{entry}\n\n{body}".rstrip() + "\n", "utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator changelog", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("old", nargs="?", default="git:HEAD", help="spec folder or git:REV")
    parser.add_argument("--version", help="the release's version (default: pyproject's)")
    parser.add_argument("--output", default=str(REPO / "CHANGELOG.md"), help="file to update")
    parser.add_argument("--print", action="store_true", help="print the entry, write nothing")
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="sogenactif-changelog-") as tmp:
            old, commit = load_source(args.old, REPO, "spec", Path(tmp))
            new, _ = load_source(str(REPO / "spec"), REPO, "spec", Path(tmp))
    except SourceError as exc:
        print(f"changelog: {exc}", file=sys.stderr)
        return 2
    result = diff_specs(old, new, args.old, "working tree", old_commit=commit)
    current = package_version()
    version = args.version or current
    text = entry(result, version)
    if args.print:
        sys.stdout.write(text)
    else:
        write(Path(args.output), text, version)
        print(f"wrote the {version} entry into {args.output}")
    previous = released_version(args.old)
    if previous is not None and _key(version) < _key(bump(previous, result)):
        print(
            f"these changes since {previous} call for version {bump(previous, result)} at least "
            f"(docs/versioning.md), not {version}: set it in pyproject.toml",
            file=sys.stderr,
        )
        return 1
    return 0
