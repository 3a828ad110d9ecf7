from __future__ import annotations

import pytest

from tests.factories import make_problem, root_of
from trees.errors import Invalid
from trees.models import GoldLabel, Node, StepLabel, Tree
from trees.services.labels import do_label_step, do_set_gold_label, do_unlabel_step
from trees.services.nodes import do_add_child_step


@pytest.fixture
def step(campaign, bob):
    return do_add_child_step(root_of(make_problem(campaign)), "2 + 3 = 5", bob)


def counts(node):
    node = Node.objects.get(pk=node.pk)
    return (node.labels_pos, node.labels_zero, node.labels_neg)


def test_labels_are_counted_per_rating_and_relabelling_moves_the_count(step, bob, carol):
    do_label_step(step, bob, 1)
    do_label_step(step, carol, -1)
    assert counts(step) == (1, 0, 1)
    do_label_step(step, bob, 0, note="no progress")
    assert counts(step) == (0, 1, 1)
    assert StepLabel.objects.filter(node=step).count() == 2
    assert StepLabel.objects.get(node=step, expert=bob).note == "no progress"


def test_labelled_count_follows_the_first_and_the_last_label(step, bob, carol):
    tree_id = step.tree_id
    do_label_step(step, bob, 1)
    do_label_step(step, carol, 1)
    assert Tree.objects.get(pk=tree_id).labelled_count == 1
    do_unlabel_step(step, bob)
    assert Tree.objects.get(pk=tree_id).labelled_count == 1
    do_unlabel_step(step, carol)
    assert Tree.objects.get(pk=tree_id).labelled_count == 0
    assert counts(step) == (0, 0, 0)


def test_unlabelling_without_a_label_changes_nothing(step, bob):
    do_unlabel_step(step, bob)
    assert counts(step) == (0, 0, 0)


@pytest.mark.parametrize("rating", [2, -2, "1", None, True])
def test_a_rating_outside_plus_one_zero_minus_one_is_refused(step, bob, rating):
    with pytest.raises(Invalid):
        do_label_step(step, bob, rating)
    assert not StepLabel.objects.exists()


def test_the_root_cannot_be_labelled(campaign, bob):
    root = root_of(make_problem(campaign))
    with pytest.raises(Invalid):
        do_label_step(root, bob, 1)


def test_gold_label_is_set_replaced_and_cleared(step, carol):
    do_set_gold_label(step, carol, -1)
    do_set_gold_label(step, carol, 1)
    assert GoldLabel.objects.get(node=step).rating == 1
    assert Node.objects.get(pk=step.pk).gold_rating == 1
    do_set_gold_label(step, carol, None)
    assert not GoldLabel.objects.exists()
    assert Node.objects.get(pk=step.pk).gold_rating is None


def test_relabelling_keeps_the_note_and_the_flag(step, bob):
    do_label_step(step, bob, 1, note="restates the question", flagged=True)
    do_label_step(step, bob, 0)
    label = StepLabel.objects.get(node=step, expert=bob)
    assert (label.rating, label.note, label.flagged) == (0, "restates the question", True)
    assert counts(step) == (0, 1, 0)


def test_a_note_or_a_flag_is_saved_on_its_own_and_keeps_the_rating(step, bob):
    do_label_step(step, bob, -1)
    do_label_step(step, bob, None, note="3 * 4 is 12, not 14")
    do_label_step(step, bob, None, flagged=True)
    label = StepLabel.objects.get(node=step, expert=bob)
    assert (label.rating, label.note, label.flagged) == (-1, "3 * 4 is 12, not 14", True)
    do_label_step(step, bob, None, note="", flagged=False)
    label.refresh_from_db()
    assert (label.rating, label.note, label.flagged) == (-1, "", False)
    assert counts(step) == (0, 0, 1)


def test_a_note_on_a_step_without_my_rating_asks_to_label_first(step, bob, carol):
    do_label_step(step, carol, 1)
    with pytest.raises(Invalid, match="Label this step first"):
        do_label_step(step, bob, None, note="orphan note")
    with pytest.raises(Invalid, match="Label this step first"):
        do_label_step(step, bob, None, flagged=True)
    assert not StepLabel.objects.filter(expert=bob).exists()


def test_clearing_my_label_takes_its_note_and_flag(step, bob):
    do_label_step(step, bob, 1, note="fine", flagged=True)
    do_unlabel_step(step, bob)
    do_label_step(step, bob, 0)
    label = StepLabel.objects.get(node=step, expert=bob)
    assert (label.rating, label.note, label.flagged) == (0, "", False)


def test_accepting_a_suggestion_keeps_the_note_i_wrote(campaign, bob):
    from trees.models import StepLabel, SuggestedLabel
    from trees.services.generation import do_review_suggestion

    step = do_add_child_step(root_of(make_problem(campaign)), "2 + 3 = 6", bob)
    do_label_step(step, bob, 0, note="unsure about the sum")
    suggestion = SuggestedLabel.objects.create(node=step, rating=-1, reason="rollouts fail here")
    do_review_suggestion(suggestion, bob, accept=True)
    mine = StepLabel.objects.get(node=step, expert=bob)
    assert (mine.rating, mine.note) == (-1, "unsure about the sum")
    other = do_add_child_step(step, "6 * 2 = 12", bob)
    suggestion = SuggestedLabel.objects.create(node=other, rating=-1, reason="rollouts fail here")
    do_review_suggestion(suggestion, bob, accept=True)
    assert StepLabel.objects.get(node=other, expert=bob).note == "rollouts fail here"
