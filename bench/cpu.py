"""CPU-only figures (no network): the seal, and the request checks of a 1,000-item cart.

Batches of calls, the two sides alternating round by round (``measure.paired``); a figure is the
median of the rounds.
"""

from __future__ import annotations

import hmac
import statistics
from typing import Any

from bench import samples
from bench.measure import Row, paired, per_call, us


def bench_seal(quick: bool) -> Row:
    from sogenactif.seal import compute_seal, seal_string

    fields = samples.GUIDE_SAMPLE
    key = samples.SECRET_KEY
    key_bytes = key.encode("utf-8")
    joined = seal_string(fields)

    def client() -> str:
        return compute_seal(fields, key, "HMAC-SHA-256")

    def baseline() -> str:
        return hmac.digest(key_bytes, joined.encode("utf-8"), "sha256").hex()

    assert client() == baseline()
    number = 2000 if quick else 10000
    c, b, ratio = paired(client, baseline, number, rounds=9, warmup=2000)
    return Row(
        "seal: compute_seal(guide cardOrder + cart), vs hmac.digest of the joined string",
        us(c),
        us(b),
        ratio,
        "≤ 3×",
        ratio <= 3.0,
        f"{len(joined)}-character seal string",
    )


def _cart_sides(items: int) -> tuple[Any, Any, Any, dict[str, Any]]:
    """(keyword checks, model path, seal string) of a cardOrder with ``items`` products."""
    from sogenactif.seal import seal_string
    from sogenactif.services.checkout import CARD_ORDER
    from sogenactif_core._wire import encode_keywords, encode_request

    keywords = samples.card_order_with_cart(items)
    given = {k: v for k, v in keywords.items() if v is not None}
    fields = encode_keywords(CARD_ORDER, given)
    assert fields is not None, "the keyword path declined the cart"
    cart = fields["shoppingCartDetail"]["shoppingCartItemList"]
    assert len(cart) == items

    def checks() -> Any:
        return encode_keywords(CARD_ORDER, given)

    def model_path() -> Any:  # what a request model (or a declined keyword value) goes through
        return encode_request(CARD_ORDER, CARD_ORDER.request_model.model_validate(given))

    def seal() -> str:
        return seal_string(fields)

    return checks, model_path, seal, fields


def bench_cart(quick: bool, items: int = 1000) -> list[Row]:
    """Per cart item: the request checks (``_wire.encode_keywords``: every value checked against
    the dictionary and put in wire form, what a keyword call runs before sealing) against the
    seal string (``seal.seal_string`` of the same wire fields). The per-item cost of each is
    (time with ``items + 1`` products − time with 1 product) / ``items``: the rest of the request
    cancels out."""
    big_checks, big_model, big_seal, _ = _cart_sides(items + 1)
    small_checks, small_model, small_seal, _ = _cart_sides(1)
    rounds = 5 if quick else 9
    number = 3 if quick else 10
    # The small request is timed over as many calls as take about as long as the big one's.
    timed = [
        (big_checks, number),
        (big_seal, number),
        (small_checks, number * items // 10),
        (small_seal, number * items // 10),
    ]
    for fn, _n in timed:
        fn()
    per_item_checks: list[float] = []
    per_item_seal: list[float] = []
    ratios: list[float] = []
    for r in range(rounds):
        order = range(4) if r % 2 == 0 else range(3, -1, -1)
        t = [0.0] * 4
        for i in order:
            fn, n = timed[i]
            t[i] = per_call(fn, n)
        c = (t[0] - t[2]) / items
        s = (t[1] - t[3]) / items
        per_item_checks.append(c)
        per_item_seal.append(s)
        ratios.append(c / s)
    # The model path (a value the keyword path declines, or a request model): for information.
    m = statistics.median(per_call(big_model, 2) for _ in range(3 if quick else 5))
    m0 = statistics.median(per_call(small_model, 50) for _ in range(3 if quick else 5))
    c, s, ratio = (
        statistics.median(per_item_checks),
        statistics.median(per_item_seal),
        statistics.median(ratios),
    )
    return [
        Row(
            f"{items:,}-item cart: request checks per item, vs the seal per item",
            us(c),
            us(s),
            ratio,
            "≤ 2×",
            ratio <= 2.0,
            f"encode_keywords vs seal_string of the same request, (t[{items + 1} items] − "
            f"t[1 item]) / {items}; for information, through the request model (Pydantic "
            f"validation + encode_request, the path of a request model or of a value the "
            f"keyword path declines) {us((m - m0) / items)} per item",
        )
    ]
