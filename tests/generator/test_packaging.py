"""What the package declares agrees with what CI installs and with what the code imports."""

from __future__ import annotations

import re
import tomllib

from tests.support import ROOT


def _pyproject() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_oldest_dependencies_tested_are_the_declared_lower_bounds() -> None:
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    declared = {
        re.split(r"[<>=!~ ;\[]", requirement)[0].lower(): requirement
        for requirement in [*project["dependencies"], *project["optional-dependencies"]["async"]]
    }
    script = (ROOT / ".ci" / "oldest-deps.sh").read_text()
    tested = dict(re.findall(r'"([A-Za-z0-9_.-]+)==([0-9.]+)"', script))
    assert set(tested) == set(declared), (tested, declared)
    for name, version in tested.items():
        assert f">={version}" in declared[name], (name, version, declared[name])


def test_the_run_time_needs_nothing_the_code_does_not_import() -> None:
    """No zeep, lxml or requests for a REST or SOAP call: they are not dependencies."""
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    names = {re.split(r"[<>=!~ ;\[]", r)[0].lower() for r in project["dependencies"]}
    assert names == {"pydantic", "urllib3", "certifi"}
    core = "\n".join(p.read_text() for p in (ROOT / "runtime").rglob("*.py"))
    assert not re.search(r"^\s*(import|from) (zeep|lxml)\b", core, re.M)


def test_python_versions_claimed_are_the_tested_ones() -> None:
    """3.11 runs everything in CI; .ci/newer-python.sh runs the client's tests on the newest of
    the others claimed that the machine has, and looks for exactly those."""
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    versions = [c for c in project["classifiers"] if re.fullmatch(r".*Python :: 3\.\d+", c)]
    claimed = [v.rsplit(" ", 1)[1] for v in versions]
    assert claimed == ["3.11", "3.12", "3.13"]
    script = (ROOT / ".ci" / "newer-python.sh").read_text()
    assert "for version in 3.13 3.12; do" in script
    assert "bash .ci/newer-python.sh" in (ROOT / ".ci" / "run").read_text()


def test_the_readme_starts_with_installing_and_links_nothing_outside_the_project() -> None:
    readme = (ROOT / "README.md").read_text()
    first_section = readme.split("\n## ", 2)[1]
    assert first_section.startswith("Install") and "pip install sogenactif" in first_section
    for target in re.findall(r"\]\(([^)#]+)", readme):
        if "://" in target:
            continue
        assert not target.startswith(".."), target
        assert (ROOT / target).exists(), target
