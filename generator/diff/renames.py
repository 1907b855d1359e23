"""Spotting renames: something removed and something added that are one thing under a new name."""

from __future__ import annotations

from ..spec import FieldDef, FieldUse, Function


def shape(d: FieldDef | None) -> tuple[object, ...]:
    """What a field is on the wire, without its name, meaning or version."""
    if d is None:
        return ()
    return (
        d.type,
        d.format,
        d.alternative_format,
        d.min_length,
        d.pattern,
        d.enum,
        d.container,
        shape(d.items),
        d.sensitive,
    )


def _pair_up(
    n_removed: int,
    n_added: int,
    same: dict[tuple[int, int], bool],
    here: dict[tuple[int, int], bool],
) -> list[tuple[int, int]]:
    """Pairs (i, j) of removed[i] and added[j] that are one thing under a new name.

    Kept: pairs that are alike where each is the other's only match; then, among several
    alike, the pair at the same position (``here``). Anything ambiguous stays removed + added.
    """
    pairs: list[tuple[int, int]] = []
    for i in range(n_removed):
        cands = [j for j in range(n_added) if same[i, j]]
        if len(cands) == 1 and sum(same[k, cands[0]] for k in range(n_removed)) == 1:
            pairs.append((i, cands[0]))
    done_r, done_a = {i for i, _ in pairs}, {j for _, j in pairs}
    for i in range(n_removed):
        cands = [j for j in range(n_added) if j not in done_a and same[i, j] and here[i, j]]
        if i not in done_r and len(cands) == 1:
            pairs.append((i, cands[0]))
            done_a.add(cands[0])
    return pairs


def use_renames(
    old: list[FieldUse], new: list[FieldUse], removed: list[FieldUse], added: list[FieldUse]
) -> list[tuple[FieldUse, FieldUse]]:
    """Removed and added uses of one list with the same definition and presence: renames."""
    same: dict[tuple[int, int], bool] = {}
    here: dict[tuple[int, int], bool] = {}
    for i, r in enumerate(removed):
        for j, a in enumerate(added):
            same[i, j] = shape(r.field) == shape(a.field) and r.presence == a.presence
            here[i, j] = old.index(r) == new.index(a)
    return [(removed[i], added[j]) for i, j in _pair_up(len(removed), len(added), same, here)]


def function_renames(
    removed: list[Function], added: list[Function]
) -> list[tuple[Function, Function]]:
    """Removed and added functions of one service with the same request and response fields."""

    def sig(f: Function) -> tuple[object, ...]:
        return tuple(u.name for u in f.request), tuple(u.name for u in f.response)

    same = {(i, j): sig(r) == sig(a) for i, r in enumerate(removed) for j, a in enumerate(added)}
    here = dict.fromkeys(same, False)
    return [(removed[i], added[j]) for i, j in _pair_up(len(removed), len(added), same, here)]


__all__ = ["function_renames", "shape", "use_renames"]
