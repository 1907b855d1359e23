"""When the spec records a decision that the page must not overturn.

The page is the primary source: what it prints replaces what the spec says, except where a
maintainer decided otherwise *knowing what the page says* and wrote it down. The importer can only
recognise such a decision from text, so the rules are narrow and documented (docs/import.md):

1. Quoted wording: a description (of a function, a field, an enum value) or an attribute label
   differs from the page's, and the note of the same element quotes the page's wording, or the
   words of it that the spec does not have (two words or more, compared without regard to
   whitespace, case or quote style). Example: fields.yaml ``cardExpiryDate``, whose note quotes
   the page's "Card expiry date. If the card does not have any expiry date, this field is empty".
2. A date or presence of a function's field differs from the page's, and the note of that very
   entry (or of the fields.yaml definition whose ``since`` would change) gives the spec's date or
   presence (e.g. "Dated 2.21 by this function's own page").
3. An enum value the page does not list, whose description names the page's function (e.g.
   BCMCMOBILE: "not on the paymentTokenGenerate page"), or of an enum whose note does not cite the
   page's function at all (its values come from another source).
4. A field without an enum, whose note says that no value list is enforced.

A note that starts with "Our reading" records an inference, never a decision: the page replaces it.
"""

from __future__ import annotations

import re

_QUOTES = str.maketrans({"’": "'", "‘": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "´": "'"})
_SPACES = re.compile(r"\s+")


def plain(text: str) -> str:
    """``text`` with straight quotes and single spaces."""
    return _SPACES.sub(" ", text.translate(_QUOTES)).strip()


def normal(text: str) -> str:
    """``text`` for finding a quote in a note: ``plain`` and without case."""
    return plain(text).casefold()


def same_text(a: str, b: str) -> bool:
    """Whether two texts say the same words, whatever their quotes or spaces."""
    return plain(a) == plain(b)


def is_inference(note: str) -> bool:
    return normal(note).startswith("our reading")


def _differing(wording: str, spec_text: str) -> str:
    """The words of ``wording`` that ``spec_text`` does not have: what is left once the words
    both begin and end with are taken away."""
    page, spec = normal(wording).split(" "), normal(spec_text).split(" ")
    start = 0
    while start < min(len(page), len(spec)) and page[start] == spec[start]:
        start += 1
    end = 0
    while end < min(len(page), len(spec)) - start and page[-1 - end] == spec[-1 - end]:
        end += 1
    return " ".join(page[start : len(page) - end])


def quotes(note: str, wording: str, spec_text: str = "") -> bool:
    """Rule 1: ``note`` quotes ``wording``, or the part of it that differs from ``spec_text``
    (two words or more: a quote, not a word that happens to be in the note)."""
    if not note or is_inference(note):
        return False
    text = normal(note)
    for part in (normal(wording), _differing(wording, spec_text) if spec_text else ""):
        part = part.strip(' .,;:"')
        if len(part.split(" ")) >= 2 and part in text:
            return True
    return False


def mentions(note: str, token: str) -> bool:
    """Whether ``note`` names ``token`` as a whole word (``2.21`` is not in ``2.210``)."""
    if not note or not token:
        return False
    pattern = r"(?<![\w.])" + re.escape(token.casefold()) + r"(?![\w]|\.\d)"
    return re.search(pattern, normal(note)) is not None


def gives(note: str, spec_value: str) -> bool:
    """Rule 2: the note of an entry gives the spec's date or presence."""
    return not is_inference(note) and mentions(note, spec_value)


def names_function(text: str, function: str) -> bool:
    """Rule 3: ``text`` names the page's function."""
    return re.search(r"\b" + re.escape(function) + r"\b", text, re.IGNORECASE) is not None


def refuses_value_list(note: str) -> bool:
    """Rule 4: a field's note says that it enforces no value list."""
    text = normal(note)
    return not is_inference(note) and ("value list" in text or "list of values" in text)


__all__ = [
    "gives",
    "is_inference",
    "mentions",
    "names_function",
    "normal",
    "plain",
    "quotes",
    "refuses_value_list",
    "same_text",
]
