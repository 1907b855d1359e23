"""The dictionary's field formats (``N12``, ``AN35``, ``ANS128`` …): patterns and meanings.

A format is a charset code followed by the maximum length; ``N19|ANS128`` accepts either. The
charsets are not defined in the primary sources; this is our reading (an inference, kept permissive
so that a valid request is never refused):

- ``A``: ASCII letters;  ``N``: ASCII digits;  ``AN``: letters and digits;
- ``ANS`` (and ``AS``, ``NS``): printable Latin-1 text (accents included);
- ``ANU`` / ``ANSU``: any printable Unicode text (e.g. ``returnContext``).

This module has no imports: the generator uses it too.
"""

import re

# Character classes, valid for Python's ``re``.
CHARSETS: dict[str, str] = {
    "A": "A-Za-z",
    "N": "0-9",
    "AN": "A-Za-z0-9",
    "AS": "\\x20-\\x7E\\xA0-\\xFF",
    "NS": "\\x20-\\x7E\\xA0-\\xFF",
    "ANS": "\\x20-\\x7E\\xA0-\\xFF",
    "ANU": "^\\x00-\\x1F\\x7F",
    "ANSU": "^\\x00-\\x1F\\x7F",
}

CHARSET_MEANINGS: dict[str, str] = {
    "A": "letters",
    "N": "digits",
    "AN": "letters and digits",
    "AS": "printable Latin-1 text",
    "NS": "printable Latin-1 text",
    "ANS": "printable Latin-1 text",
    "ANU": "printable Unicode text",
    "ANSU": "printable Unicode text",
}

FORMAT_RE = re.compile(r"^(ANSU|ANS|ANU|AN|AS|NS|A|N)(\d+)$")


def _parts(fmt: str) -> list[tuple[str, int]]:
    parts = []
    for one in fmt.split("|"):
        match = FORMAT_RE.match(one)
        if match is None:
            raise ValueError(f"format {one!r} is not <charset><max length>")
        parts.append((match.group(1), int(match.group(2))))
    return parts


def format_pattern(fmt: str, min_length: int = 0) -> str:
    """The anchored regular expression of ``fmt`` (alternatives joined)."""
    bodies = [f"[{CHARSETS[c]}]{{{min_length},{n}}}" for c, n in _parts(fmt)]
    return "^" + bodies[0] + "$" if len(bodies) == 1 else "^(?:" + "|".join(bodies) + ")$"


def fits_format(fmt: str, value: str) -> bool:
    """True when ``value`` is text of format ``fmt``."""
    return re.fullmatch(format_pattern(fmt), value) is not None


def format_meaning(fmt: str) -> str:
    """``fmt`` in words, e.g. "digits, at most 19 characters"."""
    return ", or ".join(f"{CHARSET_MEANINGS[c]}, at most {n} characters" for c, n in _parts(fmt))
