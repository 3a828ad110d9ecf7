"""Propose-critique loops, automated tree building (beam search, MCTS, re-completion,
campaign-wide runs), clustering and the step DAG. No business logic here: trees.services
(critique, search, dag) and the workers do the work."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from trees.api import search_serializers as ss
from trees.api import serializers as s
from trees.api.generation import start_model_job
from trees.errors import Conflict, Invalid, NotFound
from trees.models import Job, Node, Role
from trees.queries import get_campaign_for, get_node_for, jobs_for, node_to_dict, require_role
from trees.queries.dag import get_dag_paths, get_dag_payload
from trees.queries.nodes import get_tree_for
from trees.queries.profiles import model_profile_exists
from trees.services.critique import (
    critique_dict,
    do_accept_proposal,
    do_expert_critique,
    do_pause_loop,
    do_resume_loop,
    get_loop_state,
    loop_thread,
    require_paused,
)
from trees.services.dag import do_derive_dag_long_thought
from trees.services.jobs import do_start_job
from trees.services.longthoughts import long_thought_dict
from trees.services.nodes import do_edit_step
from trees.services.search import do_set_cluster_settings, do_start_campaign_run


def _accepted(job: Job) -> Response:
    return Response(s.JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


def start_node_job(request: Request, node: Node, kind: str, data: dict) -> Response:
    """Start a search job below a node: as any model job, but never below a final answer."""
    if node.is_terminal:
        raise Invalid("This step is a final answer; nothing comes after it.")
    return start_model_job(request, node, kind, data)


def _body(serializer: Any, request: Request) -> dict[str, Any]:
    body = serializer(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


# --- Propose-critique loops -----------------------------------------------------------------


class NodeCritiqueLoop(APIView):
    @extend_schema(request=ss.CritiqueLoopStartSerializer, responses={202: s.JobSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Start a propose-critique loop below this step (a critique_loop Job)."""
        node = get_node_for(request.user, pk)
        data = _body(ss.CritiqueLoopStartSerializer, request)
        critic = data.get("critic_profile")
        if critic is not None and not model_profile_exists(critic):
            raise Invalid(f"No model profile {critic}.", field="critic_profile")
        return start_node_job(request, node, Job.Kind.CRITIQUE_LOOP, data)


def get_loop_for(request: Request, pk: int) -> Job:
    job = jobs_for(request.user).filter(pk=pk, kind=Job.Kind.CRITIQUE_LOOP).first()
    if job is None:
        raise NotFound(f"No propose-critique loop {pk}.")
    require_role(request.user, job.campaign_id, Role.EXPERT)
    return job


class LoopDetail(APIView):
    @extend_schema(responses=ss.LoopSerializer)
    def get(self, request: Request, pk: int) -> Response:
        """The loop's job and its thread: proposals and critiques with who wrote each."""
        job = get_loop_for(request, pk)
        return Response({"job": s.JobSerializer(job).data, "thread": loop_thread(job)})


class LoopPause(APIView):
    @extend_schema(request=None, responses=s.JobSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Pause the loop after what it is doing now (to edit, critique or accept)."""
        return Response(s.JobSerializer(do_pause_loop(get_loop_for(request, pk))).data)


class LoopResume(APIView):
    @extend_schema(request=None, responses={202: s.JobSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Resume a paused loop from where it stands."""
        return _accepted(do_resume_loop(get_loop_for(request, pk)))


class LoopAccept(APIView):
    @extend_schema(request=ss.AcceptSerializer, responses=s.JobSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Accept the current proposal: the loop ends with it."""
        job = get_loop_for(request, pk)
        if job.is_finished:
            raise Conflict(f"This loop has already {job.status}.")
        data = _body(ss.AcceptSerializer, request)
        job = do_accept_proposal(job, request.user, data.get("text") or "")
        return Response(s.JobSerializer(job).data)


class LoopCritiques(APIView):
    @extend_schema(request=ss.ExpertCritiqueSerializer, responses={201: ss.CritiqueSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """My own critique of the current proposal, in place of the model's. Pause the loop
        first; on resume the loop acts on it (revise: the proposer rewrites the step)."""
        job = get_loop_for(request, pk)
        data = _body(ss.ExpertCritiqueSerializer, request)
        critique = do_expert_critique(job, request.user, data["verdict"], data["text"])
        return Response(critique_dict(critique), status=status.HTTP_201_CREATED)


class LoopEdit(APIView):
    @extend_schema(request=ss.ProposalEditSerializer, responses=s.NodeSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Edit the current proposal (its revisions are kept); the critic judges it again."""
        job = get_loop_for(request, pk)
        if job.is_finished:
            raise Conflict(f"This loop has already {job.status}.")
        require_paused(job, "edit its proposal")
        data = _body(ss.ProposalEditSerializer, request)
        current = get_loop_state(job).current
        if current is None:
            raise Conflict("The loop has no proposal yet.")
        node = do_edit_step(current, data["text"], data["version"], request.user)
        return Response(node_to_dict(node))


# --- Automated tree building ----------------------------------------------------------------


class NodeBeamSearch(APIView):
    @extend_schema(request=ss.BeamSearchSerializer, responses={202: s.JobSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Step-level beam search from this step: keep the B best by the chosen score, expand
        each into k, to depth D or until a verified correct answer."""
        node = get_node_for(request.user, pk)
        data = _body(ss.BeamSearchSerializer, request)
        return start_node_job(request, node, Job.Kind.BEAM_SEARCH, data)


class NodeMcts(APIView):
    @extend_schema(request=ss.MctsSerializer, responses={202: s.JobSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """MCTS from this step (UCT, or PUCT with confidence as the prior); visits and values
        are stored on the nodes."""
        node = get_node_for(request.user, pk)
        data = _body(ss.MctsSerializer, request)
        return start_node_job(request, node, Job.Kind.MCTS, data)


class NodeRecomplete(APIView):
    @extend_schema(request=ss.RecompleteSerializer, responses={202: s.JobSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Steiner re-completion of a correct path through this step: truncate at a random
        step, re-complete m times without the answer, then once with it revealed."""
        node = get_node_for(request.user, pk)
        data = _body(ss.RecompleteSerializer, request)
        # A final answer may be re-completed: the path to it is what gets truncated.
        return start_model_job(request, node, Job.Kind.RECOMPLETE, data)


class CampaignSearchRuns(APIView):
    @extend_schema(request=ss.CampaignRunSerializer, responses={202: s.JobSerializer})
    def post(self, request: Request, slug: str) -> Response:
        """A campaign-wide run (leads): one job per matching problem, fanned out across the
        workers; the returned parent job reports their aggregate progress and cancels them."""
        campaign = get_campaign_for(request.user, slug, Role.LEAD)
        data = _body(ss.CampaignRunSerializer, request)
        params_serializer = ss.SEARCH_PARAMS[data["kind"]](data=data.get("params") or {})
        params_serializer.is_valid(raise_exception=True)
        params = dict(params_serializer.validated_data)
        params.pop("idempotency_key", None)
        job, _ = do_start_campaign_run(
            campaign,
            data["kind"],
            params,
            data.get("filters"),
            request.user,
            data.get("idempotency_key"),
        )
        return _accepted(job)


# --- Clusters and the step DAG --------------------------------------------------------------


def _start_cluster(request: Request, campaign: Any, tree: Any, data: dict[str, Any]) -> Response:
    key = data.pop("idempotency_key", None)
    job, _ = do_start_job(
        Job.Kind.CLUSTER,
        campaign=campaign,
        tree=tree,
        params=data,
        created_by=request.user,
        idempotency_key=key,
    )
    return _accepted(job)


class ProblemCluster(APIView):
    @extend_schema(request=ss.ClusterSerializer, responses={202: s.JobSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Cluster this tree's steps by meaning (the step DAG's vertices): a cluster Job."""
        tree = get_tree_for(request.user, pk)
        data = _body(ss.ClusterSerializer, request)
        return _start_cluster(request, tree.problem.campaign, tree, data)


class CampaignCluster(APIView):
    @extend_schema(request=ss.ClusterSerializer, responses={202: s.JobSerializer})
    def post(self, request: Request, slug: str) -> Response:
        """Cluster the steps of every tree of the campaign (leads)."""
        campaign = get_campaign_for(request.user, slug, Role.LEAD)
        return _start_cluster(request, campaign, None, _body(ss.ClusterSerializer, request))


class CampaignClusterSettings(APIView):
    @extend_schema(responses=ss.ClusterSettingsSerializer)
    def get(self, request: Request, slug: str) -> Response:
        """The campaign's similarity threshold and depth band for clustering."""
        campaign = get_campaign_for(request.user, slug)
        return Response(_cluster_settings(campaign))

    @extend_schema(request=ss.ClusterSettingsSerializer, responses=ss.ClusterSettingsSerializer)
    def patch(self, request: Request, slug: str) -> Response:
        """Change them (leads)."""
        campaign = get_campaign_for(request.user, slug, Role.LEAD)
        data = _body(ss.ClusterSettingsSerializer, request)
        campaign = do_set_cluster_settings(
            campaign, data.get("cluster_threshold"), data.get("cluster_depth_band")
        )
        return Response(_cluster_settings(campaign))


def _cluster_settings(campaign: Any) -> dict[str, Any]:
    return {
        "cluster_threshold": campaign.cluster_threshold,
        "cluster_depth_band": campaign.cluster_depth_band,
    }


class ProblemDag(APIView):
    @extend_schema(responses=ss.DagSerializer)
    def get(self, request: Request, pk: int) -> Response:
        """The tree merged into its step DAG: clusters with their member nodes, edges and
        Steiner's heuristic scores."""
        return Response(get_dag_payload(get_tree_for(request.user, pk)))


class ProblemDagPaths(APIView):
    @extend_schema(request=ss.DagPathsRequestSerializer, responses=ss.DagPathsSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Sample paths on the DAG from the question to a correct answer, with backtracking
        excursions (seeded: the same seed gives the same paths)."""
        tree = get_tree_for(request.user, pk)
        data = _body(ss.DagPathsRequestSerializer, request)
        n, seed = data.pop("n"), data.pop("seed")
        return Response({"paths": get_dag_paths(tree, n, seed, data)})


class ProblemDagLongThought(APIView):
    @extend_schema(request=ss.DagLongThoughtSerializer, responses={201: s.LongThoughtSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Derive a long thought (a draft) from one sampled DAG path."""
        tree = get_tree_for(request.user, pk)
        data = _body(ss.DagLongThoughtSerializer, request)
        thought = do_derive_dag_long_thought(tree, data, created_by=request.user)
        return Response(long_thought_dict(thought), status=status.HTTP_201_CREATED)
