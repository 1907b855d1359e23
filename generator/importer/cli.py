"""``python -m generator import PAGE... [--spec DIR] [--dry-run] [--override-decisions]``.

Reads the pages, merges each into a copy of the spec (one after the other, in the order given),
checks that the copy still loads and says what each page asked, prints the spec diff of the
whole import (``generator.diff``) on stdout and the messages on stderr, then writes the changed
files back into DIR (unless ``--dry-run``).

Exit codes (docs/import.md): 0 imported, nothing to look at but the diff (decisions the page
contradicts are listed as ``kept``); 1 imported, but a warning or conflict needs a maintainer (the
page contradicts itself, its samples or platform.yaml; or a recorded decision whose note does not
show what the page now says); 2 nothing written: a page or the spec cannot be read, or the import
would leave a spec that does not load.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

from ..diff import diff_specs, render
from ..diff.report import FORMATS
from ..spec import Spec, SpecError, load_spec
from .checks import check_samples
from .merge import merge
from .page import LEVELS, Message, Page, PageError
from .parser import read_page
from .plan import FieldPlan
from .writer import verify, write_plan

REPO = Path(__file__).resolve().parents[2]
FAILING = ("warning", "conflict")  # the levels that make the exit code 1


class ImportFailed(Exception):
    """The import cannot be made; ``messages`` say why (exit 2)."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("\n".join(messages))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator import",
        description="Update the spec from Sogenactif data-dictionary pages saved as text "
        "(see docs/import.md).",
    )
    parser.add_argument("pages", nargs="+", metavar="PAGE", help="a page saved as text")
    parser.add_argument("--spec", default=str(REPO / "spec"), help="spec folder (default: spec/)")
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would change; write nothing"
    )
    parser.add_argument(
        "--override-decisions",
        action="store_true",
        help="take the page's word even where the spec records a decision (each is reported)",
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="text", help="format of the spec diff (default: text)"
    )
    return parser


def _rel(path: Path, root: Path) -> str:
    return str(path.relative_to(root))


class Importer:
    """One run of the command: the pages, the spec before, the working copy, the messages."""

    def __init__(self, spec_dir: Path, override: bool) -> None:
        self.spec_dir = spec_dir
        self.override = override
        self.messages: list[Message] = []
        # field → (page, line, description) of the last page of this run that described it
        self.descriptions: dict[str, tuple[str, int, str]] = {}

    def run(self, pages: list[Page], work: Path, current: Spec) -> Spec:
        """Merge each page into the spec copy at ``work`` (``current``: its spec); the spec
        after the last one."""
        for page in pages:
            plan, messages = merge(page, current, self.override)
            service = plan.functions[0].service
            self.messages += messages
            self.messages += check_samples(page, current, plan, service)
            self._across_pages(page, plan.fields)
            write_plan(plan, work)
            current = self.load(work, f"the spec after importing {page.path}")
            problems = verify(plan, current)
            if problems:
                raise ImportFailed(
                    [f"{page.path}: internal error: the files do not say what the page asked:"]
                    + [f"  {p}" for p in problems]
                )
        return current

    def _across_pages(self, page: Page, fields: dict[str, FieldPlan]) -> None:
        """Two pages of one run that describe a shared field differently: the last one wins."""
        for name, planned in fields.items():
            block = next(b for b in page.fields if b.name == name)
            earlier = self.descriptions.get(name)
            if earlier is not None and earlier[2] != planned.description:
                self.messages.append(
                    Message(
                        "warning",
                        page.path,
                        block.description_line,
                        f"fields.{name}: described differently by {earlier[0]}:{earlier[1]}; "
                        "fields.yaml takes this page's",
                    )
                )
            self.descriptions[name] = (page.path, block.description_line, planned.description)

    def load(self, root: Path, what: str) -> Spec:
        try:
            return load_spec(root)
        except SpecError as exc:
            raise ImportFailed(
                [f"{what} does not load:"] + [f"  {p}" for p in exc.problems]
            ) from exc


def _changed_files(work: Path, target: Path) -> list[Path]:
    """Files of ``work`` that are new or differ in ``target`` (relative paths)."""
    changed = []
    for path in sorted(work.rglob("*")):
        if path.is_file():
            rel = path.relative_to(work)
            other = target / rel
            if not other.is_file() or not filecmp.cmp(path, other, shallow=False):
                changed.append(rel)
    return changed


def main(argv: list[str]) -> int:
    """``python -m generator import``: 0 done, 1 done with warnings or conflicts, 2 failed."""
    args = _parser().parse_args(argv)
    spec_dir = Path(args.spec)
    pages: list[Page] = []
    messages: list[Message] = []
    for path in args.pages:
        try:
            page, notes = read_page(path)
        except PageError as exc:
            messages += exc.messages
            continue
        pages.append(page)
        messages += notes
    if any(m.level == "error" for m in messages):
        _print_messages(messages)
        print("generator import: nothing written (a page cannot be read)", file=sys.stderr)
        return 2
    importer = Importer(spec_dir, args.override_decisions)
    with tempfile.TemporaryDirectory(prefix="spec-import-") as tmp:
        work = Path(tmp) / (spec_dir.resolve().name or "spec")
        try:
            before = importer.load(spec_dir, str(spec_dir))
            shutil.copytree(spec_dir, work)
            after = importer.run(pages, work, before)  # the copy reads as the original
        except PageError as exc:
            _print_messages(messages + importer.messages + exc.messages)
            print("generator import: nothing written", file=sys.stderr)
            return 2
        except ImportFailed as exc:
            _print_messages(messages + importer.messages)
            for line in exc.messages:
                print(line, file=sys.stderr)
            print("generator import: nothing written", file=sys.stderr)
            return 2
        messages += importer.messages
        changed = _changed_files(work, spec_dir)
        label = f"{spec_dir} + " + ", ".join(p.path for p in pages)
        result = diff_specs(before, after, str(spec_dir), label)
        sys.stdout.write(render(result, args.format))
        if not args.dry_run:
            for rel in changed:
                (spec_dir / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(work / rel, spec_dir / rel)
    _print_messages(messages)
    verb = "would change" if args.dry_run else "changed"
    files = ", ".join(str(spec_dir / rel) for rel in changed) or "nothing"
    counts = ", ".join(
        f"{sum(1 for m in messages if m.level == level)} {level}" for level in LEVELS[1:]
    )
    print(f"generator import: {verb} {files} ({counts})", file=sys.stderr)
    return 1 if any(m.level in FAILING for m in messages) else 0


def _print_messages(messages: list[Message]) -> None:
    order = {path: i for i, path in enumerate(dict.fromkeys(m.page for m in messages))}
    for message in sorted(messages, key=lambda m: (order[m.page], m.line)):
        print(message, file=sys.stderr)


__all__ = ["ImportFailed", "Importer", "main"]
