"""Job bodies for automated tree building: step-level beam search, MCTS, Steiner re-completion,
clustering for the step DAG, and the fan-out of campaign-wide runs.

They load rows, ask the pure core (trees.core.search, trees.core.dag) what to do, call the
model backend through `ModelCalls` (which counts every call against the job's budget), and
store through services. Seeds are the job's seed plus the call's index, so a re-delivered
job regenerates the same samples and the services' deduplication stores nothing twice.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import networkx as nx

from trees.core.answers import grade
from trees.core.dag import cluster_embeddings, number_signature
from trees.core.generation import Candidate, build_prompt, make_candidate, stop_sequences
from trees.core.search import (
    Budget,
    Contribution,
    Scored,
    backpropagate,
    beam_select,
    best_child,
    first_correct,
    select_path,
)
from trees.core.steps import split_steps
from trees.models import Job, Node, Tree
from trees.services.generation import Rollout
from trees.services.jobs import do_report_progress, is_cancelled
from trees.services.search import (
    JobStopped,
    claim_job,
    do_fan_out,
    do_record_search_stats,
    do_roll_up,
    do_send_children,
    do_set_clusters,
    do_set_scores,
    do_store_branches,
    do_store_children,
    do_store_search_probe,
    finish_search,
    previous_contribution,
)
from workers.backends.base import Completion, GenerationRequest
from workers.generation import _candidate, _context, _split_strategy
from workers.jobs import run_job
from workers.profiles import backend_for, sampling

# A call that may not generate at least this many tokens per sample is not worth making.
MIN_CALL_TOKENS = 8
REVEAL_TEMPLATE = "Q: {question} (The answer is {reference_answer}.)\n{steps}"


class ModelCalls:
    """The model calls of one job, each allowed by the budget before it is made and charged
    after (calls and generated tokens). Seeds: the job's seed plus the call's index."""

    def __init__(self, job: Job, problem: Any, profile: Any, budget: Budget) -> None:
        self.job = job
        self.problem = problem
        self.profile = profile
        self.budget = budget
        self.settings = sampling(
            profile, temperature=job.params.get("temperature"), seed=job.seed
        )
        self.backend = backend_for(profile)

    def generate(
        self, prompt: str, n: int, max_tokens: int, stop: Sequence[str] = ()
    ) -> list[Completion] | None:
        """n samples in one call, or None when the budget does not allow the call."""
        wanted = max_tokens
        max_tokens = self.budget.fit_max_tokens(n, wanted)
        if max_tokens < min(MIN_CALL_TOKENS, wanted) or not self.budget.allows(n, max_tokens):
            return None
        seed = self.settings.get("seed")
        completions = self.backend.generate(
            GenerationRequest(
                prompt=prompt,
                n=n,
                max_tokens=max_tokens,
                temperature=float(self.settings["temperature"]),
                top_p=float(self.settings["top_p"]),
                stop=tuple(stop),
                seed=None if seed is None else int(seed) + self.budget.calls,
            )
        )
        self.budget.charge(tokens=sum(c.token_count for c in completions))
        return completions

    def prompt(self, path: Sequence[Node], template: str | None = None) -> str:
        templates = self.profile.prompt_templates or {}
        chosen = template or templates.get("expand") or "Q: {question}\n{steps}"
        return build_prompt(
            chosen,
            self.problem.statement,
            [node.text for node in path[1:]],
            self.profile.delimiter,
            self.problem.reference_answer,
        )

    def expand(self, path: Sequence[Node], k: int) -> list[Candidate] | None:
        """k candidate next steps below the path's last node (one call)."""
        mini = self.profile.delimiter == "mini_step"
        limit = self.profile.mini_step_tokens if mini else int(self.settings["step_max_tokens"])
        completions = self.generate(
            self.prompt(path), k, limit, stop_sequences(self.profile.delimiter)
        )
        if completions is None:
            return None
        return [_candidate(c, self.problem, self.settings) for c in completions]

    def rollouts(
        self, path: Sequence[Node], n: int, *, template: str | None = None
    ) -> list[Rollout] | None:
        """n completions to a final answer from the path's last node (one call), graded."""
        completions = self.generate(
            self.prompt(path, template), n, int(self.settings["rollout_max_tokens"])
        )
        if completions is None:
            return None
        rollouts = []
        for completion in completions:
            answer, correct = grade(
                completion.text, self.problem.reference_answer, self.problem.answer_type
            )
            texts = split_steps(completion.text, _split_strategy(self.profile.delimiter))
            steps = [
                make_candidate(
                    text,
                    reference_answer=self.problem.reference_answer,
                    answer_type=self.problem.answer_type,
                    sampling={"temperature": self.settings.get("temperature")},
                    ended=index == len(texts) - 1 and completion.finish_reason == "stop",
                )
                for index, text in enumerate(texts)
            ]
            rollouts.append(Rollout(steps=steps, correct=bool(correct), answer=answer))
        return rollouts


def _budget(job: Job) -> Budget:
    return Budget.from_params(job.params.get("budget"))


def _scored(node: Node, **values: float | None) -> Scored:
    return Scored(
        id=node.pk,
        confidence=node.confidence,
        terminal=node.is_terminal,
        correct=node.correctness == Node.Correctness.CORRECT if node.is_terminal else None,
        **values,
    )


# --- Beam search ----------------------------------------------------------------------------


def run_beam_search(job: Job) -> None:
    """Keep the B best frontier nodes by the chosen score, expand each into k, to depth D or
    until the verifier grades an answer correct (O1-Journey's tree construction)."""
    _start, path, problem, profile = _context(job)
    params = job.params
    width, k, depth_limit = int(params["beam_width"]), int(params["k"]), int(params["max_depth"])
    by, stop_on_correct = params.get("score", "confidence"), params.get("stop_on_correct", True)
    calls = ModelCalls(job, problem, profile, _budget(job))
    frontier: list[list[Node]] = [path]
    found: list[Node] | None = None
    expanded, stop, depth = 0, "depth", 0
    do_report_progress(job, 0, depth_limit)
    try:
        for depth in range(1, depth_limit + 1):
            layer: dict[int, list[Node]] = {}
            for node_path in frontier:
                if is_cancelled(job.pk):
                    return
                candidates = calls.expand(node_path, k)
                if candidates is None:
                    stop = "budget"
                    break
                expanded += 1
                for child in do_store_children(job, node_path[-1], candidates, profile):
                    layer.setdefault(child.pk, [*node_path, child])
            nodes = [layer[pk][-1] for pk in sorted(layer)]
            scores = _beam_scores(job, calls, by, layer, nodes, params)
            correct = first_correct(scores)
            if correct is not None and found is None:
                found = layer[correct.id]
            if found is not None and stop_on_correct:
                stop = "found"
                break
            frontier = [layer[c.id] for c in beam_select(scores, width, by)]
            do_report_progress(job, depth)
            if stop == "budget":
                break
            if not frontier:
                stop = "no open nodes"
                break
    except JobStopped:
        return
    finish_search(
        job,
        {
            "found": found[-1].pk if found else None,
            "found_path": [node.pk for node in found[1:]] if found else None,
            "expanded": expanded,
            "depth": depth,
            "stop": stop,
            "budget": calls.budget.to_data(),
        },
    )


def _beam_scores(
    job: Job,
    calls: ModelCalls,
    by: str,
    layer: dict[int, list[Node]],
    nodes: list[Node],
    params: dict[str, Any],
) -> list[Scored]:
    if by == "confidence":
        return [_scored(node) for node in nodes]
    values: dict[int, float | None] = {}
    for node in nodes:
        if node.is_terminal:
            continue
        if by == "mc_value":
            rollouts = calls.rollouts(layer[node.pk], int(params.get("rollouts", 4)))
            if rollouts is None:
                break  # out of budget: the rest stay unscored (they rank last)
            stored = do_store_search_probe(job, node, [rollout.correct for rollout in rollouts])
            values[node.pk] = stored.mc_soft
        else:
            values[node.pk] = critic_score(calls, layer[node.pk])
    if by == "critic":
        do_set_scores(job, values)
    return [_scored(node, **{by: values.get(node.pk)}) for node in nodes]


def critic_score(calls: ModelCalls, path: Sequence[Node]) -> float | None:
    """A step's critic score (accept 1, revise 0.5, reject 0); None when the budget does not
    allow the critic's call. The demo profile's critic is the verifier-backed one."""
    from workers.critique import judge  # the critic's prompts live with the loop

    verdict, _ = judge(calls, calls.profile, path)
    return None if verdict is None else verdict.score


# --- MCTS -----------------------------------------------------------------------------------


def _search_graph(job: Job, start: Node) -> nx.DiGraph:
    """The subtree below `start` with each node's statistics less this job's own earlier
    contribution (a re-run starts from where the tree stood before the job)."""
    rows = Node.objects.filter(tree_id=start.tree_id, is_deleted=False).values(
        *("id", "parent_id", "depth", "is_terminal", "correctness", "confidence"),
        *("visits", "value_sum"),
    )
    earlier = previous_contribution(job)
    graph = nx.DiGraph()
    by_parent: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_parent.setdefault(row["parent_id"], []).append(row)
    stack = [start.pk]
    start_row = next(row for row in rows if row["id"] == start.pk)
    _add(graph, start_row, earlier)
    while stack:
        parent = stack.pop()
        for row in by_parent.get(parent, []):
            _add(graph, row, earlier)
            graph.add_edge(parent, row["id"])
            stack.append(row["id"])
    return graph


def _add(graph: nx.DiGraph, row: dict[str, Any], earlier: dict[str, list[float]]) -> None:
    visits, value = earlier.get(str(row["id"]), (0, 0.0))
    graph.add_node(
        row["id"],
        visits=max(0, row["visits"] - int(visits)),
        value_sum=row["value_sum"] - float(value),
        prior=row["confidence"],
        depth=row["depth"],
        terminal=row["is_terminal"],
        correct=row["correctness"] == Node.Correctness.CORRECT,
    )


def run_mcts(job: Job) -> None:
    """MCTS from a node: select by UCT or PUCT (confidence as prior), expand a leaf into k
    candidates, simulate by rollouts graded by the verifier, backpropagate; the visits and
    value sums are stored on the nodes as it goes."""
    start, path, problem, profile = _context(job)
    params = job.params
    iterations, k = int(params["iterations"]), int(params["k"])
    policy, c = params.get("policy", "uct"), float(params.get("c", 1.4))
    n_rollouts, max_depth = int(params.get("rollouts", 2)), int(params.get("max_depth", 8))
    calls = ModelCalls(job, problem, profile, _budget(job))
    graph = _search_graph(job, start)
    contribution = Contribution()
    texts: dict[int, Node] = {node.pk: node for node in path}
    found: int | None = None
    done, stop = 0, "iterations"
    do_report_progress(job, 0, iterations)

    def node_path(ids: Sequence[int]) -> list[Node]:
        missing = [pk for pk in ids if pk not in texts]
        texts.update(Node.objects.in_bulk(missing))
        return [*path[:-1], *(texts[pk] for pk in ids)]

    def expandable(pk: int) -> bool:
        data = graph.nodes[pk]
        return (
            graph.out_degree(pk) == 0
            and not data["terminal"]
            and data["depth"] - start.depth < max_depth
        )

    try:
        for done in range(1, iterations + 1):
            if is_cancelled(job.pk):
                return
            selected = select_path(graph, start.pk, policy, c, is_expandable=expandable)
            leaf = selected[-1]
            if expandable(leaf):
                candidates = calls.expand(node_path(selected), k)
                if candidates is None:
                    stop = "budget"
                    break
                for child in do_store_children(job, node_path(selected)[-1], candidates, profile):
                    texts[child.pk] = child
                    if child.pk not in graph:
                        graph.add_node(
                            child.pk,
                            visits=0,
                            value_sum=0.0,
                            prior=child.confidence,
                            depth=child.depth,
                            terminal=child.is_terminal,
                            correct=child.correctness == Node.Correctness.CORRECT,
                        )
                    graph.add_edge(leaf, child.pk)
                chosen = best_child(graph, leaf, policy, c)
                if chosen is not None:
                    selected.append(chosen)
            simulated = selected[-1]
            if graph.nodes[simulated]["terminal"]:
                value = 1.0 if graph.nodes[simulated]["correct"] else 0.0
                if value and found is None:
                    found = simulated
            else:
                rollouts = calls.rollouts(node_path(selected), n_rollouts)
                if rollouts is None:
                    stop = "budget"
                    break
                verdicts = [rollout.correct for rollout in rollouts]
                do_store_search_probe(job, texts[simulated], verdicts)
                value = sum(1 for v in verdicts if v) / len(verdicts)
            backpropagate(graph, selected, value)
            contribution.add(selected, value)
            do_record_search_stats(
                job, contribution, {"iterations": done, "budget": calls.budget.to_data()}
            )
            do_report_progress(job, done)
    except JobStopped:
        return
    finish_search(
        job,
        {
            "found": found,
            "iterations": done if stop == "iterations" else done - 1,
            "stop": stop,
            "best_path": _principal_path(graph, start.pk),
            "budget": calls.budget.to_data(),
        },
    )


def _principal_path(graph: nx.DiGraph, root: int) -> list[int]:
    """The most visited child at each level: what the search believes in."""
    path = [root]
    while True:
        children = sorted(graph.successors(path[-1]))
        if not children:
            return path
        best = max(children, key=lambda n: (graph.nodes[n]["visits"], -n))
        if graph.nodes[best]["visits"] == 0:
            return path
        path.append(best)


# --- Steiner re-completion ------------------------------------------------------------------


def _correct_path(start: Node, path: list[Node], rng: random.Random) -> list[Node] | None:
    """A path from the root through `start` to a correct answer (random among them)."""
    if start.is_terminal:
        return path if start.correctness == Node.Correctness.CORRECT else None
    answers = list(
        Node.objects.filter(
            tree_id=start.tree_id,
            is_terminal=True,
            correctness=Node.Correctness.CORRECT,
            is_deleted=False,
            depth__gt=start.depth,
        ).order_by("pk")
    )
    rng.shuffle(answers)
    from trees.queries import get_path

    for answer in answers:
        candidate = get_path(answer)
        if len(candidate) > start.depth and candidate[start.depth].pk == start.pk:
            return candidate
    return None


def run_recomplete(job: Job) -> None:
    """Truncate a correct path at a random step, re-complete it m times without the answer
    (the wrong completions become new branches), then once with the reference answer
    revealed, which gives backtracking material."""
    start, path, problem, profile = _context(job)
    rng = random.Random(job.seed)
    correct_path = _correct_path(start, path, rng)
    if correct_path is None:
        from trees.services.jobs import do_fail_job

        do_fail_job(job, "No correct path to an answer passes through this step yet.")
        return
    # Cut at this step or below it; from a final answer itself, anywhere above it.
    low = 0 if start.is_terminal else start.depth
    cut_index = rng.randrange(low, len(correct_path) - 1)
    prefix = correct_path[: cut_index + 1]
    m = int(job.params["m"])
    calls = ModelCalls(job, problem, profile, _budget(job))
    do_report_progress(job, 0, m + 1)
    try:
        rollouts = calls.rollouts(prefix, m)
        ends: list[Node] = []
        if rollouts is not None:
            ends = do_store_branches(job, prefix[-1], rollouts, profile)
        do_report_progress(job, m)
        template = (profile.prompt_templates or {}).get("recomplete") or REVEAL_TEMPLATE
        revealed = calls.rollouts(prefix, 1, template=template)
        revealed_ends: list[Node] = []
        if revealed is not None:
            revealed_ends = do_store_branches(
                job, prefix[-1], revealed, profile, sampling={"answer_revealed": True}
            )
    except JobStopped:
        return
    graded = rollouts or []
    finish_search(
        job,
        {
            "source_path": [node.pk for node in correct_path],
            "truncated_at": prefix[-1].pk,
            "completions": len(graded),
            "correct": sum(1 for r in graded if r.correct),
            "wrong_branches": sorted(
                {e.pk for e, r in zip(ends, graded, strict=False) if not r.correct}
            ),
            "revealed": [node.pk for node in revealed_ends],
            "found": next((e.pk for e, r in zip(ends, graded, strict=False) if r.correct), None),
            "budget": calls.budget.to_data(),
            "stop": "budget" if rollouts is None or revealed is None else "done",
        },
    )


# --- Clustering -----------------------------------------------------------------------------


def run_cluster(job: Job) -> None:
    """Cluster the steps of one tree (or of every tree of the campaign) by embedding
    similarity within a depth band and store each node's cluster id."""
    from workers.embeddings import embed, embedder_name

    campaign = job.campaign
    threshold = float(job.params.get("threshold") or campaign.cluster_threshold)
    band = job.params.get("band")
    band = int(campaign.cluster_depth_band if band is None else band)
    same_numbers = job.params.get("same_numbers", True)
    trees = (
        [Tree.objects.get(pk=job.tree_id)]
        if job.tree_id
        else list(Tree.objects.filter(problem__campaign=campaign).order_by("pk"))
    )
    do_report_progress(job, 0, len(trees))
    clusters, changed = 0, 0
    for index, tree in enumerate(trees, start=1):
        if is_cancelled(job.pk):
            return
        rows = list(
            Node.objects.filter(tree=tree, is_deleted=False)
            .order_by("depth", "pk")
            .values_list("pk", "text", "depth", "parent_id")
        )
        steps = [row for row in rows if row[3] is not None]
        texts = [row[1] for row in steps]
        labels = cluster_embeddings(
            embed(texts),
            [row[2] for row in steps],
            threshold,
            band,
            keys=[number_signature(text) for text in texts] if same_numbers else None,
        )
        # The question is its own cluster, 0; steps are numbered from 1.
        mapping = {row[0]: 0 for row in rows if row[3] is None}
        mapping.update({row[0]: label + 1 for row, label in zip(steps, labels, strict=True)})
        changed += do_set_clusters(tree, mapping)
        clusters += len(set(mapping.values()))
        do_report_progress(job, index)
    finish_search(
        job,
        {
            "trees": len(trees),
            "clusters": clusters,
            "changed": changed,
            "threshold": threshold,
            "band": band,
            "same_numbers": same_numbers,
            "embedder": embedder_name(),
        },
    )


# --- Campaign-wide runs ---------------------------------------------------------------------


def run_fan_out(job: Job) -> None:
    """Create a campaign-wide run's per-problem jobs and send those never started. The run
    finishes when its last child does (`do_roll_up`)."""
    do_send_children(do_fan_out(job))
    job.refresh_from_db()
    if job.progress_total == 0:
        finish_search(job, {"children": {"total": 0}, "note": "No problem matched the filters."})
    else:
        do_roll_up(job.pk)


def run_search_task(task: Any, job_id: int, body: Any) -> None:
    """`run_job` for a job that may be one problem of a campaign-wide run: only the delivery
    the job was stamped with runs it, and its end rolls up into the run's progress."""
    if not claim_job(job_id, getattr(task.request, "id", None)):
        return
    try:
        run_job(task, job_id, body)
    finally:
        parent = Job.objects.filter(pk=job_id).values_list("parent_id", flat=True).first()
        if parent is not None:
            do_roll_up(parent)
