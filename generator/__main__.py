"""``python -m generator generate | check | validate | docs | diff | changelog | import``
(see ``--help``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .spec import SpecError, Version, load_spec

REPO = Path(__file__).resolve().parent.parent


def _interface_version(text: str) -> str:
    """``--interface-version``: a version number such as 2.53, or a command-line error."""
    try:
        Version.parse(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an interface version such as 2.53"
        ) from None
    return text


def _add_spec_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--spec", default=str(REPO / "spec"), help="spec folder (default: spec/)")
    parser.add_argument(
        "--interface-version",
        default=None,
        type=_interface_version,
        help="target interface version, e.g. 2.53 (default: latest in spec/platform.yaml)",
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["diff"]:  # the diff command parses its own options (see generator/diff/cli.py)
        from .diff import main as diff_main

        return diff_main(argv[1:])
    if argv[:1] == ["changelog"]:  # so does the changelog (generator/changelog.py)
        from .changelog import main as changelog_main

        return changelog_main(argv[1:])
    if argv[:1] == ["import"]:  # so does import (see generator/importer/cli.py)
        from .importer import main as import_main

        return import_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("generate", help="write the client package into generated/")
    _add_spec_args(p)
    p.add_argument("--output", default=str(REPO / "generated"), help="output folder")

    p = sub.add_parser("check", help="exit 1 with a diff when generated/ or the docs are stale")
    _add_spec_args(p)
    p.add_argument("--output", default=str(REPO / "generated"), help="folder to compare")
    p.add_argument(
        "--docs", default=str(REPO / "docs" / "reference"), help="reference pages to compare"
    )

    p = sub.add_parser("validate", help="load the spec and report every problem")
    _add_spec_args(p)

    p = sub.add_parser("docs", help="write one Markdown reference page per service")
    _add_spec_args(p)
    p.add_argument("--output", default=str(REPO / "docs" / "reference"), help="output folder")

    p = sub.add_parser(
        "changelog", help="a release's CHANGELOG entry from the spec diff", add_help=False
    )
    p.add_argument("rest", nargs=argparse.REMAINDER)

    p = sub.add_parser("diff", help="what changed between two spec versions", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)

    p = sub.add_parser(
        "import", help="update spec/ from data-dictionary pages saved as text", add_help=False
    )
    p.add_argument("rest", nargs=argparse.REMAINDER)

    args = parser.parse_args(argv)
    try:
        spec = load_spec(args.spec, args.interface_version)
    except SpecError as exc:
        print(f"spec error{'s' if len(exc.problems) > 1 else ''}:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    for warning in spec.warnings:
        print(f"warning: {warning}", file=sys.stderr)

    if args.command == "validate":
        n_functions = sum(1 for _ in spec.iter_functions())
        warned = f", {len(spec.warnings)} warnings" if spec.warnings else ""
        print(
            f"spec OK: {len(spec.services)} services, {n_functions} functions, "
            f"{len(spec.fields)} fields, {len(spec.containers)} containers, "
            f"{len(spec.enums)} enums (interface version {spec.target_version}){warned}"
        )
        return 0
    if args.command == "docs":
        from .docs import write_docs

        written = write_docs(spec, Path(args.output))
        print(f"wrote {len(written)} pages into {args.output}")
        return 0

    from .pipeline import check, generate

    if args.command == "generate":
        files = generate(spec, Path(args.output))
        print(
            f"generated {len(files)} files into {args.output} (interface version {spec.target_version})"
        )
        return 0
    from .docs import check_docs

    problems = check(spec, Path(args.output))
    if args.interface_version is None:  # the committed docs describe the default target
        problems += check_docs(spec, Path(args.docs))
    if problems:
        sys.stdout.write(problems)
        print(
            "\ngenerated/ or docs/reference/ is stale: run `python3 dev.py generate` and commit.",
            file=sys.stderr,
        )
        return 1
    print("generated/ and docs/reference/ are up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
