"""Train/test splits that are the same on every machine and never leak.

A split is a seeded permutation: items are ordered by ``sha256(f"{seed}:{item}")``
and the first ``round(fraction · count)`` are held out for testing. Unlike a
random generator's permutation, this order cannot change with the platform or
the numpy/torch version, so a published split stays the published split.
"""

import hashlib
from collections import defaultdict
from typing import Dict, Hashable, Iterable, List, Mapping, Optional, Set

TEST_FRACTION = 0.25


def seeded_order(items: Iterable[Hashable], seed: int) -> List[Hashable]:
    """``items`` in the order of ``sha256(f"{seed}:{item}")``: a permutation fixed by ``seed``."""
    return sorted(items, key=lambda item: hashlib.sha256(f"{seed}:{item}".encode()).digest())


def held_out(
    items: Iterable[Hashable],
    seed: int,
    fraction: float = TEST_FRACTION,
    strata: Optional[Mapping[Hashable, Hashable]] = None,
) -> Set[Hashable]:
    """The test items: ``round(fraction · count)`` of each stratum, first in :func:`seeded_order`.

    Args:
        items: what is split (speakers, row numbers); duplicates are ignored.
        seed: fixes the permutation; any int.
        fraction: share of each stratum held out.
        strata: item -> stratum (e.g. speaker -> man / woman / child), so that every
            stratum appears in both splits in proportion; default: one stratum.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"split_seed must be an int, got {type(seed).__name__}")
    groups: Dict[Hashable, List[Hashable]] = defaultdict(list)
    for item in dict.fromkeys(items):
        groups[strata[item] if strata is not None else None].append(item)
    test: Set[Hashable] = set()
    for members in groups.values():
        test.update(seeded_order(members, seed)[: round(fraction * len(members))])
    return test
