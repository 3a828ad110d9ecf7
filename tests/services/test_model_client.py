"""The one model-call client as the job bodies use it, seen from the backend: which template
each action's prompt comes from, the seeds of its calls, and the typed results it leads to."""

from __future__ import annotations

import json

import pytest

from tests.services.test_search import demo_problems, node_job
from trees.core.jobresults import RESULTS, CampaignRunResult, MctsResult, RunCounts
from trees.models import ModelProfile, Node
from workers.backends.base import Completion
from workers.backends.demo_backend import DemoBackend
from workers.client import ModelClient
from workers.tasks import beam_search, mcts, recomplete

pytestmark = pytest.mark.usefixtures("demo_model")

# Both lay the prompt out as the demo reasoner was trained to; the marker tells them apart.
EXPAND = "Q: {question}\n{steps}"
ROLLOUT = "Q: {question} [rollout]\n{steps}"


@pytest.fixture
def seen(monkeypatch):
    """Every request the demo backend serves, in order (the real model still answers)."""
    requests = []
    real = DemoBackend.generate

    def recording(self, request):
        requests.append(request)
        return real(self, request)

    monkeypatch.setattr(DemoBackend, "generate", recording)
    return requests


@pytest.fixture
def two_templates(campaign):
    profile = ModelProfile.objects.create(
        name="demo-two-templates",
        backend="demo",
        model_name="arbor-demo-reasoner",
        prompt_templates={"expand": EXPAND, "rollout": ROLLOUT},
    )
    campaign.default_model_profile = profile
    campaign.save()
    return profile


def expansions_and_rollouts(requests):
    # Expansions stop at the step delimiter; rollouts run on to the answer.
    return [r for r in requests if r.stop], [r for r in requests if not r.stop]


def test_beam_search_scores_by_rollouts_with_the_rollout_template(
    campaign, bob, two_templates, seen
):
    root = Node.objects.get(tree=demo_problems(campaign, 1)[0], parent=None)
    job = node_job(
        "beam_search", root, bob, beam_width=2, k=2, max_depth=2, score="mc_value", rollouts=2
    )
    beam_search.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    expansions, rollouts = expansions_and_rollouts(seen)
    assert expansions and rollouts
    assert all("[rollout]" not in r.prompt for r in expansions)
    assert all("[rollout]" in r.prompt for r in rollouts)


def test_mcts_simulates_with_the_rollout_template(campaign, bob, two_templates, seen):
    root = Node.objects.get(tree=demo_problems(campaign, 1, seed=8)[0], parent=None)
    job = node_job("mcts", root, bob, iterations=3, k=2, rollouts=2)
    mcts.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    expansions, rollouts = expansions_and_rollouts(seen)
    assert expansions and rollouts
    assert all("[rollout]" in r.prompt for r in rollouts)
    assert all("[rollout]" not in r.prompt for r in expansions)
    # Seeds: the job's pinned seed plus the call's index, so a re-run repeats them.
    assert [r.seed for r in seen] == [job.seed + i for i in range(len(seen))]
    result = MctsResult.from_data(job.result)
    assert result.iterations == 3 and result.search_stats
    assert result.to_data() == job.result


def test_recompletion_rolls_out_with_the_rollout_template_then_reveals_the_answer(
    campaign, bob, two_templates, seen
):
    tree = demo_problems(campaign, 1, seed=9, solved=True)[0]
    root = Node.objects.get(tree=tree, parent=None)
    job = node_job("recomplete", root, bob, m=2)
    recomplete.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    *completions, revealed = seen
    assert completions and all("[rollout]" in r.prompt for r in completions)
    assert "(The answer is " in revealed.prompt and "[rollout]" not in revealed.prompt


def test_every_typed_result_round_trips_through_json():
    for kind, result_class in RESULTS.items():
        empty = result_class()
        assert result_class.from_data(json.loads(json.dumps(empty.to_data()))) == empty, kind
    run = CampaignRunResult(children=RunCounts(total=3, finished=1), note="n")
    assert CampaignRunResult.from_data(json.loads(json.dumps(run.to_data()))) == run
    # Keys a result does not know (older or newer jobs) are ignored, missing ones defaulted.
    assert MctsResult.from_data({"found": 4, "unknown": 1}) == MctsResult(found=4)


def test_rollouts_grade_the_last_number_only_where_the_campaign_says_so(campaign, bob):
    root = Node.objects.get(tree=demo_problems(campaign, 1, seed=10)[0], parent=None)
    job = node_job("rollout", root, bob, n=1)
    problem = root.tree.problem
    text = f"So the total is {problem.reference_answer}"
    completion = Completion(text=text, finish_reason="stop", token_count=6)
    strict = ModelClient(job, problem, job.profile).rollout(completion)
    assert (strict.answer, strict.correct) == (None, False)
    campaign.last_number_answers = True
    campaign.save()
    problem.refresh_from_db()
    lenient = ModelClient(job, problem, job.profile).rollout(completion)
    assert lenient.answer == problem.reference_answer and lenient.correct
