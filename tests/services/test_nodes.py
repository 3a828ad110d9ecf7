from __future__ import annotations

import json

import pytest

from tests.factories import make_problem, make_tree, root_of
from trees.core.generation import make_candidate
from trees.errors import Conflict, Invalid, StaleVersion
from trees.models import Node, NodeRevision, SuggestedLabel, Tree
from trees.queries import get_tree_payload
from trees.services.critique import do_add_critique, do_add_proposal, do_pause_loop
from trees.services.generation import do_store_probe, do_suggest_first_error
from trees.services.imports import do_import_problems
from trees.services.jobs import do_create_job
from trees.services.nodes import do_add_child_step, do_edit_step, do_set_deleted
from trees.services.profiles import ensure_campaign_profile


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


# --- A verdict belongs to the text it judged ---------------------------------------------------


def answer_below(campaign, bob, text="The answer is 200", reference="230"):
    """A problem whose reference is `reference`, with root -> step -> answer `text`."""
    root = root_of(make_problem(campaign, "What is 23 * 10?", reference))
    step = do_add_child_step(root, "23 * 10 = 230", bob)
    answer = do_add_child_step(step, text, bob)
    return root, step, answer


def verdict(node):
    node = Node.objects.get(pk=node.pk)
    return (node.kind, node.is_terminal, node.extracted_answer, node.correctness)


def correct_leaves(node):
    return Tree.objects.get(pk=node.tree_id).correct_leaves


def test_a_step_that_states_an_answer_is_graded_when_added(campaign, bob):
    _root, step, answer = answer_below(campaign, bob)
    assert verdict(step) == ("step", False, "", "unknown")
    assert verdict(answer) == ("answer", True, "200", "incorrect")
    assert correct_leaves(answer) == 0


def test_editing_an_answer_regrades_it_and_keeps_the_correct_leaves_count(campaign, bob, carol):
    _root, _step, answer = answer_below(campaign, bob)
    answer = do_edit_step(answer, "The answer is 230", version=1, editor=carol)
    assert verdict(answer) == ("answer", True, "230", "correct")
    assert (answer.extracted_answer, answer.correctness) == ("230", "correct")
    assert correct_leaves(answer) == 1
    answer = do_edit_step(answer, "The answer is 231", version=2, editor=carol)
    assert verdict(answer) == ("answer", True, "231", "incorrect")
    assert correct_leaves(answer) == 0


def test_restoring_an_earlier_revision_restores_its_verdict(campaign, bob, carol):
    _root, _step, answer = answer_below(campaign, bob, text="The answer is 230")
    assert correct_leaves(answer) == 1
    answer = do_edit_step(answer, "The answer is 200", version=1, editor=carol)
    assert correct_leaves(answer) == 0
    first = NodeRevision.objects.get(node=answer, version=1)
    answer = do_edit_step(answer, first.text, version=answer.version, editor=bob)
    assert verdict(answer) == ("answer", True, "230", "correct")
    assert correct_leaves(answer) == 1


def test_an_answer_edited_to_state_none_is_an_ungraded_answer(campaign, bob):
    _root, _step, answer = answer_below(campaign, bob, text="The answer is 230")
    answer = do_edit_step(answer, "Tom buys 3 + 4 = <<3+4=7", version=1, editor=bob)
    assert verdict(answer) == ("answer", True, "", "unknown")
    assert correct_leaves(answer) == 0


def test_the_last_number_counts_for_an_answer_only_when_the_campaign_asks(campaign, bob):
    _root, _step, answer = answer_below(campaign, bob, text="The answer is 200")
    answer = do_edit_step(answer, "So it costs 230 dollars", version=1, editor=bob)
    assert verdict(answer) == ("answer", True, "", "unknown")
    campaign.last_number_answers = True
    campaign.save(update_fields=["last_number_answers"])
    answer = do_edit_step(answer, "So it costs 230 dollars.", version=2, editor=bob)
    assert verdict(answer) == ("answer", True, "230", "correct")
    # Cut off mid-way, it states nothing, even so.
    answer = do_edit_step(answer, "So it costs 23 * 10 = <<23*10=230", version=3, editor=bob)
    assert verdict(answer) == ("answer", True, "", "unknown")


def test_a_plain_step_edited_to_state_an_answer_becomes_one(campaign, bob):
    _root, step, _answer = answer_below(campaign, bob)
    step = do_edit_step(step, "23 * 10 = 230\n#### 230", version=1, editor=bob)
    assert verdict(step) == ("answer", True, "230", "correct")
    assert correct_leaves(step) == 1
    # A plain step that merely computes a number stays a plain step.
    other = do_add_child_step(step.parent, "first 23 * 10", bob)
    other = do_edit_step(other, "23 * 10 = 230", version=1, editor=bob)
    assert verdict(other) == ("step", False, "", "unknown")


def test_an_edit_marks_values_computed_from_the_old_text_stale(campaign, bob):
    root, step, answer = answer_below(campaign, bob)
    unrelated = do_add_child_step(root, "230 / 10 = 23", bob)
    for node in (root, step, unrelated):
        do_store_probe(node, [True, False])
    assert not Node.objects.filter(tree_id=root.tree_id, values_stale=True).exists()
    do_edit_step(answer, "The answer is 230", version=1, editor=bob)
    stale = set(Node.objects.filter(tree_id=root.tree_id, values_stale=True).values_list("pk"))
    assert stale == {(root.pk,), (step.pk,)}
    # Fresh rollouts clear the flag.
    assert do_store_probe(step, [True, True]).values_stale is False
    assert Node.objects.get(pk=root.pk).values_stale is True


def test_editing_a_step_marks_its_subtree_stale_and_drops_its_pending_suggestions(campaign, bob):
    root, step, answer = answer_below(campaign, bob, text="The answer is 230")
    do_store_probe(answer.parent, [True])
    below = do_add_child_step(step, "so 230 it is", bob)
    do_store_probe(below, [True, False])
    for node in (root, below):
        job, _ = do_create_job("first_error", campaign=campaign, node=node, created_by=bob)
        do_suggest_first_error(job, node, {"probes": 1})
    do_edit_step(step, "23 * 10 = 220", version=1, editor=bob)
    assert set(Node.objects.filter(values_stale=True).values_list("pk", flat=True)) == {
        step.pk,
        below.pk,
    }
    # The suggestion on the step below read the old text; the one on the root did not.
    assert list(SuggestedLabel.objects.values_list("node_id", flat=True)) == [root.pk]
    # The answer's own text did not change: its verdict stands.
    assert verdict(answer) == ("answer", True, "230", "correct")


def test_a_critique_loop_edit_of_a_proposal_regrades_it_and_its_score_goes_stale(campaign, bob):
    root = root_of(make_problem(campaign, "What is 23 * 10?", "230"))
    loop, _ = do_create_job("critique_loop", campaign=campaign, node=root, created_by=bob)
    profile = ensure_campaign_profile(campaign)
    candidate = make_candidate("The answer is 200", reference_answer="230", answer_type="numeric")
    proposal = do_add_proposal(loop, root, candidate, profile, 1)
    do_add_critique(loop, proposal, "reject", "The final answer 200 does not check out.")
    assert verdict(proposal) == ("answer", True, "200", "incorrect")
    do_pause_loop(loop)
    proposal = do_edit_step(proposal, "The answer is 230", version=proposal.version, editor=bob)
    assert verdict(proposal) == ("answer", True, "230", "correct")
    assert Node.objects.get(pk=proposal.pk).values_stale is True
    assert correct_leaves(proposal) == 1


def test_the_tree_payload_carries_the_sources_claim_and_stale_values(campaign, bob):
    line = json.dumps(
        {
            "id": "claims",
            "question": "What is 23 * 10?",
            "answer": "230",
            "solutions": [{"text": "23 * 10 = 230\nA: 200", "is_correct": True}],
        }
    )
    assert do_import_problems(campaign, "solutions", [line]).imported == 1
    tree = Tree.objects.get(problem__external_id="claims")
    step = Node.objects.get(tree=tree, depth=1)
    do_store_probe(step, [True])
    answer = Node.objects.get(tree=tree, depth=2)
    do_edit_step(answer, "A: 230", version=1, editor=bob)
    nodes = {node["id"]: node for node in get_tree_payload(tree, bob)["nodes"]}
    assert (nodes[answer.pk]["source_correct"], nodes[answer.pk]["correctness"]) == (
        True,
        "correct",
    )
    assert nodes[step.pk]["values_stale"] is True
    assert nodes[answer.pk]["values_stale"] is False


def test_an_approved_long_thought_that_visits_an_edited_step_goes_back_to_draft(
    campaign, bob, carol
):
    from trees.models import LongThought
    from trees.services.labels import do_label_step
    from trees.services.longthoughts import do_derive_long_thought, do_review_long_thought

    root, step, answer = answer_below(campaign, bob)
    answer = do_edit_step(answer, "The answer is 230", version=1, editor=carol)
    do_label_step(step, bob, 1)
    thought = do_derive_long_thought(root.tree, "shortcut", {})
    other = do_add_child_step(root, "An unrelated first step", bob)
    elsewhere = do_derive_long_thought(root.tree, "shortcut", {})
    for approved in (thought, elsewhere):
        do_review_long_thought(approved, carol, LongThought.Status.APPROVED)
    # A step off both thoughts' paths changes nothing; the thoughts' own step reopens them.
    do_edit_step(other, "An unrelated first step, reworded", version=1, editor=bob)
    assert set(LongThought.objects.values_list("status", flat=True)) == {"approved"}
    do_edit_step(Node.objects.get(pk=step.pk), step.text + " (checked)", version=1, editor=bob)
    thought.refresh_from_db()
    assert (thought.status, thought.reviewer_id, thought.reviewed_at) == ("draft", None, None)
