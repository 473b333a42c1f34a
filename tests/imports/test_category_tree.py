"""Placing an export's categories in the catalog's tree, without a database."""

from __future__ import annotations

from api.imports.category_tree import Placement, place_categories


def test_categories_are_placed_parents_first_and_cycles_left_out():
    placement = place_categories(
        {
            "tvs": "master",
            "master": None,
            "lcd": "tvs",
            "x": "y",
            "y": "x",
            "self": "self",
        },
        {},
    )
    assert placement == Placement(
        ["master", "tvs", "lcd"],
        {
            "x": "Category 'x' is in a cycle: x → y → x.",
            "y": "Category 'y' is in a cycle: y → x → y.",
            "self": "Category 'self' is in a cycle: self → self.",
        },
    )


def test_a_missing_parent_leaves_out_the_branch_below_it():
    placement = place_categories(
        {"orphan": "missing", "child": "orphan", "kept": "master"},
        {"master": None},
    )
    assert placement == Placement(
        ["kept"],
        {
            "orphan": "Parent category 'missing' does not exist.",
            "child": "Parent category 'orphan' was not imported.",
        },
    )


def test_a_move_that_closes_a_cycle_with_stored_categories_is_left_out():
    placement = place_categories({"master": "tvs"}, {"master": None, "tvs": "master"})
    assert placement == Placement(
        [], {"master": "Category 'master' is in a cycle: master → tvs → master."}
    )


def test_a_stored_category_left_out_keeps_its_parent_and_no_cycle_is_written():
    # 'c' cannot move (its new parent is missing), so it stays under 'd';
    # moving 'd' under 'c' would then close a loop.
    placement = place_categories({"d": "c", "c": "missing"}, {"c": "d", "d": None})
    assert placement == Placement(
        [],
        {
            "c": "Parent category 'missing' does not exist.",
            "d": "Category 'd' is in a cycle: d → c → d.",
        },
    )


def test_a_chain_thousands_deep_is_placed_in_order():
    depth = 3000
    chain = {f"c{n}": f"c{n - 1}" if n else None for n in range(depth)}
    placement = place_categories(dict(reversed(chain.items())), {})
    assert placement == Placement(list(chain), {})
