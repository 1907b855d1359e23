"""Test cards: what the simulator's acquirer answers to a card (fact sheet, section 5).

The Sips simulation platform's rule, as the fact sheet gives it: the card number's first six
digits select the brand and its last two digits are the responseCode. Here, precisely:

- brand, by the first six digits: ``410000`` VISA, ``420000`` CB, ``430000`` CB co-badged with
  VISA, ``510000`` MASTERCARD, ``340000`` AMEX; otherwise by the leading digits (our inference,
  the usual ranges): ``4`` VISA, ``51``-``55`` and ``2221``-``2720`` MASTERCARD, ``34``/``37``
  AMEX, ``50``/``56``-``69`` MAESTRO, ``36``/``38``/``300``-``305`` DINERS. Any other number is
  not a card (responseCode 14). The request's ``paymentMeanBrand`` wins when the card carries
  it (CB or VISA on a ``430000`` card).
- outcome, by the last two digits: ``00`` accepted; one of the authorisation answers of
  :data:`AUTHORISATION_CODES` (02 referral, 05 refused, 14 invalid card, 51 amount too high, 60
  pending …) is that responseCode; any other pair is a refusal, 05, with those two digits as
  acquirerResponseCode. So ``4100000000000000`` is a VISA card that is accepted and
  ``4100000000000005`` one that is refused.
- a ``cardExpiryDate`` (YYYYMM) before the simulator's current month gives 54 (expired),
  whatever the digits ("validity date must be greater than the current month", JSON guide).
- no Luhn check: the platform's own test numbers (``4100000000000000``) fail it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# 6-digit prefixes of the simulation platform's test cards -> (brand, co-badged brands).
TEST_PREFIXES: dict[str, tuple[str, tuple[str, ...]]] = {
    "410000": ("VISA", ()),
    "420000": ("CB", ()),
    "430000": ("CB", ("VISA",)),
    "510000": ("MASTERCARD", ()),
    "340000": ("AMEX", ()),
}

# Authorisation answers a test card may ask for with its last two digits.
AUTHORISATION_CODES: dict[str, str] = {
    "00": "accepted",
    "02": "referral: call the issuer (card threshold exceeded)",
    "03": "invalid merchant contract",
    "05": "refused",
    "11": "PAN blocked",
    "12": "invalid transaction",
    "14": "invalid card number or security code",
    "17": "cancelled by the customer",
    "34": "fraud suspicion",
    "51": "amount too high",
    "54": "card expired",
    "55": "prepaid card not accepted",
    "60": "pending",
    "63": "security rules not observed",
    "75": "too many attempts",
    "90": "service temporarily unavailable",
    "97": "session expired",
    "99": "temporary problem of the payment server",
}

# Codes decided by the platform rather than by the card's bank: no acquirerResponseCode.
_PLATFORM_CODES = frozenset({"03", "12", "17", "34", "63", "75", "90", "97", "99"})

_DIGITS = re.compile(r"^[0-9]{12,19}$")


@dataclass(frozen=True)
class Authorisation:
    """The acquirer's answer to one card."""

    response_code: str
    acquirer_response_code: str | None
    brand: str | None


def brand_of(pan: str) -> str | None:
    """The card's brand, or None when the number is not a card."""
    if not _DIGITS.match(pan):
        return None
    test = TEST_PREFIXES.get(pan[:6])
    if test is not None:
        return test[0]
    two, four = int(pan[:2]), int(pan[:4])
    if pan[0] == "4":
        return "VISA"
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return "MASTERCARD"
    if two in (34, 37):
        return "AMEX"
    if two in (36, 38) or 300 <= int(pan[:3]) <= 305:
        return "DINERS"
    if two == 50 or 56 <= two <= 69:
        return "MAESTRO"
    return None


def brands_of(pan: str) -> tuple[str, ...]:
    """Every brand the card carries (the main one first)."""
    main = brand_of(pan)
    if main is None:
        return ()
    test = TEST_PREFIXES.get(pan[:6])
    return (main, *(test[1] if test else ()))


def masked(pan: str) -> str:
    """The PAN as Sips masks it: the first four and the last two digits (e.g. 4100##########00)."""
    if len(pan) < 8:
        return "#" * len(pan)
    return pan[:4] + "#" * (len(pan) - 6) + pan[-2:]


def expired(expiry: str | None, today: date) -> bool:
    """True when a YYYYMM expiry date is before ``today``'s month."""
    if not expiry or len(expiry) != 6 or not expiry.isdigit():
        return False
    return (int(expiry[:4]), int(expiry[4:])) < (today.year, today.month)


def authorise(pan: str, expiry: str | None, today: date, brand: str | None = None) -> Authorisation:
    """What the acquirer answers to an authorisation request for this card."""
    brands = brands_of(pan)
    if not brands:
        return Authorisation("14", "14", None)
    chosen = brand if brand in brands else brands[0]
    if expired(expiry, today):
        return Authorisation("54", "54", chosen)
    digits = pan[-2:]
    if digits in AUTHORISATION_CODES:
        acquirer = None if digits in _PLATFORM_CODES else digits
        return Authorisation(digits, acquirer, chosen)
    return Authorisation("05", digits, chosen)
