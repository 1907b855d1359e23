"""Typed dictionary formats for the generator; the charset table lives in the core
(``runtime/sogenactif_core/_formats.py``), which the client checks requests with."""

from __future__ import annotations

from dataclasses import dataclass

from sogenactif_core._formats import CHARSET_MEANINGS, CHARSETS, FORMAT_RE, format_pattern


@dataclass(frozen=True, order=True)
class Format:
    """A dictionary format such as ``N12``: a charset and a maximum length."""

    charset: str
    max_length: int

    @classmethod
    def parse(cls, text: str) -> Format:
        match = FORMAT_RE.match(text)
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
        return format_pattern(str(self), min_length)

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
