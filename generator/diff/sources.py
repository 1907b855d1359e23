"""Where the two compared specs come from: a spec folder, or ``git:REV`` of a repository.

``git:REV`` is read with ``git archive`` into a temporary folder; the working tree and the index
are never touched. The command's default (the working tree against ``git:HEAD``) is decided in
``cli.py``; this module only loads what it is given.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

from ..spec import Spec, SpecError, load_spec

GIT_PREFIX = "git:"


class SourceError(Exception):
    """OLD or NEW cannot be read; ``problems`` say why (spec errors name file:line)."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


_GIT = shutil.which("git") or "git"


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([_GIT, "-C", str(repo), *args], capture_output=True, check=False)


def find_repo(start: Path) -> Path | None:
    """The top of the git working tree that holds ``start``, or None."""
    try:
        proc = _git(start, "rev-parse", "--show-toplevel")
    except OSError:
        return None
    return Path(proc.stdout.decode().strip()) if proc.returncode == 0 else None


def load_source(
    source: str, repo: Path | None, spec_dir: str, tmp: Path
) -> tuple[Spec, str | None]:
    """Load ``git:REV`` (extracted from ``repo`` into ``tmp``) or a folder: (spec, commit).

    A folder may be the spec folder itself or a checkout that holds ``spec_dir``.
    """
    if not source.startswith(GIT_PREFIX):
        root = Path(source)
        if not (root / "platform.yaml").is_file() and (root / spec_dir).is_dir():
            root = root / spec_dir
        return _load(source, root), None
    rev = source[len(GIT_PREFIX) :]
    if repo is None:
        raise SourceError(source, ["not inside a git repository (give --repo)"])
    if not rev:
        raise SourceError(source, ["give a revision after 'git:', e.g. git:HEAD"])
    proc = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}")
    if proc.returncode != 0:
        raise SourceError(source, [f"{rev!r} is not a revision of the repository {repo}"])
    commit = proc.stdout.decode().strip()
    if _git(repo, "cat-file", "-e", f"{commit}:{spec_dir}").returncode != 0:
        raise SourceError(source, [f"there is no {spec_dir}/ at {rev} ({commit[:12]})"])
    proc = _git(repo, "archive", "--format=tar", commit, "--", spec_dir)
    if proc.returncode != 0:
        raise SourceError(source, [f"git archive failed: {proc.stderr.decode().strip()}"])
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as archive:
        archive.extractall(tmp, filter="data")
    return _load(source, tmp / spec_dir), commit


def _load(source: str, root: Path) -> Spec:
    try:
        return load_spec(root)
    except SpecError as exc:
        raise SourceError(source, exc.problems) from exc


__all__ = ["SourceError", "find_repo", "load_source"]
