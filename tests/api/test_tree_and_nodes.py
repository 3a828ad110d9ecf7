from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_problem, make_tree, root_of
from trees.models import Node
from trees.services.labels import do_label_step, do_set_gold_label
from trees.services.nodes import do_add_child_step, do_set_deleted


def tree_queries(client, problem_id: int) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/problems/{problem_id}/tree/")
    assert response.status_code == 200, response.content
    return len(queries), response.json()


def test_the_tree_read_costs_the_same_queries_whatever_the_tree_size(campaign, bob, client_for):
    small = make_tree(campaign, depth=1, width=2)
    large = make_tree(campaign, depth=4, width=3)
    for node in Node.objects.filter(tree=large).exclude(parent=None)[:30]:
        do_label_step(node, bob, 1)
    client = client_for(bob)
    small_count, _ = tree_queries(client, small.problem_id)
    large_count, payload = tree_queries(client, large.problem_id)
    assert small_count == large_count <= 10
    assert len(payload["nodes"]) == 1 + 3 + 9 + 27 + 81


def test_the_tree_shows_counts_my_label_gold_and_structure(campaign, bob, carol, client_for):
    root = root_of(make_problem(campaign))
    step = do_add_child_step(root, "2 + 3 = 5", bob)
    do_label_step(step, bob, 1)
    do_label_step(step, carol, -1)
    do_set_gold_label(step, carol, 1)
    payload = client_for(bob).get(f"/api/v1/problems/{root.tree.problem_id}/tree/").json()
    by_id = {node["id"]: node for node in payload["nodes"]}
    assert payload["root"] == root.pk
    assert by_id[step.pk]["parent"] == root.pk
    assert by_id[step.pk]["label_counts"] == {"1": 1, "0": 0, "-1": 1}
    assert by_id[step.pk]["my_label"] == 1
    assert by_id[step.pk]["gold"] == 1
    assert payload["labelled_count"] == 1
    assert by_id[root.pk]["text"] == "What is 2 + 3?"


def test_a_deleted_step_hides_its_subtree_unless_asked(campaign, bob, client_for):
    tree = make_tree(campaign, depth=2, width=2)
    first = Node.objects.filter(tree=tree, depth=1).order_by("order").first()
    do_set_deleted(first, True)
    client = client_for(bob)
    shown = client.get(f"/api/v1/problems/{tree.problem_id}/tree/").json()["nodes"]
    assert len(shown) == 1 + 1 + 2
    everything = client.get(f"/api/v1/problems/{tree.problem_id}/tree/?include_deleted=1").json()
    assert len(everything["nodes"]) == 7


def test_a_stale_edit_answers_409_with_the_current_node(campaign, bob, carol, client_for):
    step = do_add_child_step(root_of(make_problem(campaign)), "original", bob)
    url = f"/api/v1/nodes/{step.pk}/"
    first = client_for(carol).patch(url, {"text": "carol's", "version": 1}, format="json")
    assert first.status_code == 200 and first.json()["version"] == 2
    late = client_for(bob).patch(url, {"text": "bob's", "version": 1}, format="json")
    assert late.status_code == 409
    body = late.json()
    assert body["code"] == "stale_version"
    assert body["current"]["text"] == "carol's" and body["current"]["version"] == 2
    assert Node.objects.get(pk=step.pk).text == "carol's"
    revisions = client_for(bob).get(f"{url}revisions/").json()
    assert [r["text"] for r in revisions] == ["original", "carol's"]


def test_adding_and_labelling_steps_through_the_api(campaign, bob, client_for):
    root = root_of(make_problem(campaign))
    client = client_for(bob)
    created = client.post(f"/api/v1/nodes/{root.pk}/children/", {"text": "5"}, format="json")
    assert created.status_code == 201
    node_id = created.json()["id"]
    labelled = client.put(f"/api/v1/nodes/{node_id}/label/", {"rating": 1}, format="json")
    assert labelled.json()["label_counts"] == {"1": 1, "0": 0, "-1": 0}
    assert labelled.json()["my_label"] == 1
    cleared = client.delete(f"/api/v1/nodes/{node_id}/label/")
    assert cleared.json()["label_counts"] == {"1": 0, "0": 0, "-1": 0}


def test_step_parts_come_back_as_json_in_the_tree(campaign, bob, client_for):
    root = root_of(make_problem(campaign))
    parts = {"title": "Count groups", "reflection": "12 / 3, not 12 / 2"}
    step = do_add_child_step(root, "12 / 3 = 4", bob, parts=parts)
    payload = client_for(bob).get(f"/api/v1/problems/{root.tree.problem_id}/tree/").json()
    by_id = {node["id"]: node for node in payload["nodes"]}
    assert by_id[step.pk]["parts"] == parts
    assert by_id[root.pk]["parts"] == {}
