"""``python -m generator import PAGE...``: from Sogenactif data-dictionary pages to the spec.

The modules, each importing only those above it (see docs/import.md):

- ``page``: the typed model of one page (every element with its line), and the messages;
- ``parser``: page text → ``Page`` (no YAML, no spec);
- ``decisions``: when a note of the spec records a decision the page must not overturn;
- ``plan``: what a page asks of the spec (the wanted state of each element it touches);
- ``merge``: ``Page`` + ``Spec`` → ``Plan`` and the messages (conflicts, warnings …);
- ``checks``: the page's samples against its fields and the spec;
- ``yamledit``: targeted edits of a YAML text that keep everything else byte for byte;
- ``writer``: ``Plan`` → the spec's YAML files, and the check that they say what was planned;
- ``cli``: the command line (``main``).
"""

from .cli import main
from .merge import merge
from .page import Message, Page, PageError
from .parser import parse_page, read_page
from .writer import verify, write_plan

__all__ = [
    "Message",
    "Page",
    "PageError",
    "main",
    "merge",
    "parse_page",
    "read_page",
    "verify",
    "write_plan",
]
