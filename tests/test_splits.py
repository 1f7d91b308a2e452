"""The published splits are constants: the same held-out items on every machine, Python and seed of its hash.

A split is only reproducible if it does not depend on the process: Python's
``hash()`` of a string changes with ``PYTHONHASHSEED`` at every start, so these
values were computed once and are compared exactly.
"""

from cs229nn.datasets.splits import held_out, seeded_order


def test_the_split_of_twenty_items_is_the_published_one():
    """Kills: ordering by ``hash(f"{seed}:{item}")`` (salted per process) instead of sha256."""
    assert sorted(held_out(range(20), seed=0)) == [4, 7, 9, 15, 18]
    assert seeded_order(["m01", "m02", "w01", "w02", "c01"], 229) == ["w02", "m01", "c01", "w01", "m02"]
