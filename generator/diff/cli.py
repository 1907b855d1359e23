"""``python -m generator diff [OLD [NEW]] [--format text|markdown|json] [--fail-on SEVERITY]``.

Exit codes: 0 compared (and ``--fail-on`` not reached), 1 a change reaches ``--fail-on``,
2 cannot compare (a spec that does not load, an unknown revision, a bad option).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from ..spec import Spec, Version
from .catalogue import SEVERITIES
from .compare import diff_specs
from .report import FORMATS, render
from .sources import SourceError, find_repo, load_source

WORKING_TREE = "working tree"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator diff",
        description="Compare two specs and classify every change (see docs/spec-diff.md). "
        "No OLD/NEW: git:HEAD against the working tree; only OLD: OLD against the working tree.",
    )
    parser.add_argument("old", nargs="?", help="spec folder or git:REV (default: git:HEAD)")
    parser.add_argument("new", nargs="?", help="spec folder or git:REV (default: working tree)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="default: text")
    parser.add_argument("--output", "-o", help="write the report to this file, not stdout")
    parser.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        help="exit 1 when a change at or above this severity exists (default: never)",
    )
    parser.add_argument(
        "--repo",
        help="git repository for git:REV and the working tree (default: the one holding the "
        "current directory, else the one holding this generator)",
    )
    parser.add_argument(
        "--spec-dir", default="spec", help="the spec folder inside the repository (default: spec)"
    )
    parser.add_argument(
        "--interface-version",
        help="judge what integrators see at this version on both sides (default: each "
        "spec's latest_interface_version)",
    )
    return parser


def main(argv: list[str]) -> int:
    """``python -m generator diff``: 0 done, 1 a change reaches --fail-on, 2 cannot compare."""
    if argv[:1] == ["--"]:  # python -m generator diff -- --format json (see docs)
        argv = argv[1:]
    args = _parser().parse_args(argv)
    version: Version | None = None
    if args.interface_version:
        try:
            version = Version.parse(args.interface_version)
        except ValueError as exc:
            print(f"generator diff: {exc}", file=sys.stderr)
            return 2
    if args.repo:
        repo: Path | None = Path(args.repo).resolve()
    else:
        repo = find_repo(Path.cwd()) or find_repo(Path(__file__).resolve().parent)
    worktree = str(repo / args.spec_dir) if repo else args.spec_dir
    sources = (args.old or "git:HEAD", args.new or worktree)
    labels = [s if s != worktree else WORKING_TREE for s in sources]
    loaded: list[tuple[Spec, str | None]] = []
    with tempfile.TemporaryDirectory(prefix="spec-diff-") as tmp:
        for i, source in enumerate(sources):
            (Path(tmp) / str(i)).mkdir()
            try:
                loaded.append(load_source(source, repo, args.spec_dir, Path(tmp) / str(i)))
            except SourceError as exc:
                which = ("OLD", "NEW")[i]
                print(f"generator diff: cannot load {which} ({labels[i]}):", file=sys.stderr)
                for problem in exc.problems:
                    print(f"  {problem}", file=sys.stderr)
                return 2
    (old, old_commit), (new, new_commit) = loaded
    result = diff_specs(old, new, labels[0], labels[1], version, old_commit, new_commit)
    report = render(result, args.format)
    if args.output:
        Path(args.output).write_text(report, encoding="utf-8")
        counts = ", ".join(f"{result.count(s)} {s}" for s in SEVERITIES)
        print(f"wrote {args.output}: {counts}", file=sys.stderr)
    else:
        sys.stdout.write(report)
    return 1 if result.fails(args.fail_on) else 0


__all__ = ["main"]
