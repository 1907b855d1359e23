"""The dictionary's field formats (``N12``, ``AN35``, ``ANS128`` …) and the patterns derived from them.

The dictionary writes a format as a charset code followed by the maximum length. The charsets are
not defined in the primary sources; this is our reading (an inference, kept permissive so that a
valid request is never refused):

- ``A``: ASCII letters;  ``N``: ASCII digits;  ``AN``: letters and digits;
- ``ANS``: printable Latin-1 text (alphanumeric and "special" characters, accents included);
- ``ANU`` / ``ANSU``: any printable Unicode text (e.g. ``returnContext``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Character classes, written for both Python's ``re`` and pydantic-core's Rust regex engine.
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

_FORMAT_RE = re.compile(r"^(ANSU|ANS|ANU|AN|AS|NS|A|N)(\d+)$")


@dataclass(frozen=True, order=True)
class Format:
    """A dictionary format such as ``N12``: a charset and a maximum length."""

    charset: str
    max_length: int

    @classmethod
    def parse(cls, text: str) -> Format:
        match = _FORMAT_RE.match(text)
        if not match:
            raise ValueError(
                f"format {text!r} is not <charset><max length> with charset one of "
                + ", ".join(sorted(CHARSETS))
            )
        return cls(match.group(1), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.charset}{self.max_length}"

    @property
    def meaning(self) -> str:
        return f"{CHARSET_MEANINGS[self.charset]}, at most {self.max_length} characters"

    def pattern(self, min_length: int = 0) -> str:
        """The anchored regular expression a value of this format matches."""
        return f"^[{CHARSETS[self.charset]}]{{{min_length},{self.max_length}}}$"

    def narrows(self, other: Format) -> bool:
        """True when every value valid for ``other`` is not necessarily valid for ``self``."""
        if self.max_length < other.max_length:
            return True
        return _charset_rank(self.charset) < _charset_rank(other.charset) or (
            self.charset != other.charset
            and _charset_rank(self.charset) == _charset_rank(other.charset)
            and {self.charset, other.charset} == {"A", "N"}
        )


def _charset_rank(charset: str) -> int:
    # A and N are disjoint; each is included in AN, AN in ANS, ANS in ANU/ANSU.
    return {"A": 0, "N": 0, "AN": 1, "AS": 2, "NS": 2, "ANS": 2, "ANU": 3, "ANSU": 3}[charset]
