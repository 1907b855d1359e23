"""``python -m generator diff [OLD [NEW]]``: what changed between two specs, and what breaks.

OLD and NEW are spec folders or ``git:REV`` revisions of the repository. The typed specs are
compared (never the YAML text, never the generated code). Every change gets a stable id, a
severity (ERR breaks integrators, WARN may break them, INFO does not), an area and a message.
The rules are documented in ``docs/spec-diff.md``.

The modules, each importing only those above it:

- ``catalogue``: the kinds of change (ids, areas, messages, severities by direction, effects on
  Python names);
- ``model``: what a diff produces (``Change``, ``PythonName``, ``Side``, ``SpecDiff``);
- ``names``: the Python names integrators write (keywords, attributes, members, methods);
- ``reach``, ``renames``: where fields, containers and enums are used; what counts as a rename;
- ``recorder``, ``field_uses``, ``compare``: the comparison of two ``Spec`` objects: recording
  a change, comparing field uses and definitions (a fields.yaml change once per field), and the
  walk over the two specs (``diff_specs``);
- ``sources``: spec folders and ``git:REV`` revisions (``load_source``);
- ``report``: text, Markdown and JSON;
- ``cli``: the command line (``main``).
"""

from .catalogue import CATALOGUE, SEVERITIES, ChangeKind, Severity
from .cli import main
from .compare import diff_specs
from .model import Change, PythonName, Side, SpecDiff
from .report import (
    SCHEMA_VERSION,
    render,
    render_json,
    render_markdown,
    render_text,
    to_json,
)
from .sources import SourceError, find_repo, load_source

__all__ = [
    "CATALOGUE",
    "SCHEMA_VERSION",
    "SEVERITIES",
    "Change",
    "ChangeKind",
    "PythonName",
    "Severity",
    "Side",
    "SourceError",
    "SpecDiff",
    "diff_specs",
    "find_repo",
    "load_source",
    "main",
    "render",
    "render_json",
    "render_markdown",
    "render_text",
    "to_json",
]
