from __future__ import annotations

import pytest

from tests.factories import make_problem, make_tree, root_of
from trees.errors import Conflict, Invalid, StaleVersion
from trees.models import Node, NodeRevision, Tree
from trees.services.nodes import do_add_child_step, do_edit_step, do_set_deleted


def test_adding_a_step_counts_it_on_the_tree_and_orders_siblings(campaign, bob):
    root = root_of(make_problem(campaign))
    first = do_add_child_step(root, "2 + 3 = 5", bob)
    second = do_add_child_step(root, "3 + 2 = 5", bob)
    assert (first.depth, first.order, second.order) == (1, 0, 1)
    assert first.origin == Node.Origin.HUMAN and first.author == bob
    assert Tree.objects.get(pk=root.tree_id).node_count == 3


def test_a_step_needs_text_within_the_limit(campaign, bob, settings):
    root = root_of(make_problem(campaign))
    with pytest.raises(Invalid):
        do_add_child_step(root, "   ", bob)
    settings.ARBOR_MAX_STEP_CHARS = 10
    with pytest.raises(Invalid, match="at most 10 characters"):
        do_add_child_step(root, "x" * 11, bob)
    assert Node.objects.filter(tree_id=root.tree_id).count() == 1


def test_editing_keeps_every_revision_including_the_original(campaign, bob, carol):
    root = root_of(make_problem(campaign))
    step = do_add_child_step(root, "2 + 3 = 6", bob)
    step = do_edit_step(step, "2 + 3 = 5", version=1, editor=carol)
    step = do_edit_step(step, "2 + 3 = 5.", version=2, editor=bob)
    revisions = list(
        NodeRevision.objects.filter(node=step).values_list("version", "text", "editor")
    )
    assert revisions == [
        (1, "2 + 3 = 6", bob.pk),
        (2, "2 + 3 = 5", carol.pk),
        (3, "2 + 3 = 5.", bob.pk),
    ]
    assert step.version == 3


def test_a_stale_edit_raises_with_the_current_text_and_changes_nothing(campaign, bob, carol):
    root = root_of(make_problem(campaign))
    step = do_add_child_step(root, "original", bob)
    do_edit_step(step, "carol's edit", version=1, editor=carol)
    with pytest.raises(StaleVersion) as raised:
        do_edit_step(step, "bob's late edit", version=1, editor=bob)
    assert raised.value.detail["current"]["text"] == "carol's edit"
    assert raised.value.detail["current"]["version"] == 2
    assert Node.objects.get(pk=step.pk).text == "carol's edit"


def test_deleting_hides_and_restoring_brings_back_a_step(campaign, bob):
    tree = make_tree(campaign, depth=2, width=1)
    child = Node.objects.get(tree=tree, depth=1)
    do_set_deleted(child, True)
    assert Node.objects.get(pk=child.pk).is_deleted
    with pytest.raises(Conflict):
        do_add_child_step(Node.objects.get(pk=child.pk), "below a deleted step", bob)
    do_set_deleted(child, False)
    assert not Node.objects.get(pk=child.pk).is_deleted


def test_the_root_cannot_be_edited_or_deleted(campaign):
    root = root_of(make_problem(campaign))
    with pytest.raises(Invalid):
        do_edit_step(root, "new question", version=1)
    with pytest.raises(Invalid):
        do_set_deleted(root, True)
