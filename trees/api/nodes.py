"""Trees, steps, labels, gold labels and revisions. No business logic here."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from trees.api import serializers as s
from trees.models import Node, Role
from trees.queries import (
    get_node_for,
    get_tree_payload,
    node_to_dict,
    node_with_my_label,
    require_owner_or_role,
)
from trees.queries.nodes import get_tree_for, list_revisions, list_step_labels
from trees.services.labels import do_label_step, do_set_gold_label, do_unlabel_step
from trees.services.nodes import do_add_child_step, do_edit_step, do_set_deleted


class TreeDetail(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("include_deleted", bool)], responses=s.TreeSerializer
    )
    def get(self, request: Request, pk: int) -> Response:
        """The whole tree of a problem: every node with label counts, gold, my label."""
        tree = get_tree_for(request.user, pk)
        include_deleted = request.query_params.get("include_deleted") in ("1", "true")
        return Response(get_tree_payload(tree, request.user, include_deleted=include_deleted))


class NodeDetail(APIView):
    @extend_schema(responses=s.NodeSerializer)
    def get(self, request: Request, pk: int) -> Response:
        node = get_node_for(request.user, pk)
        return Response(node_with_my_label(node, request.user))

    @extend_schema(
        request=s.StepEditSerializer,
        responses={200: s.NodeSerializer, 409: s.NodeSerializer},
        description="Edit a step's text. `version` is the version you edited; a stale one "
        "answers 409 with the current node under `current`.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        node = get_node_for(request.user, pk)
        body = s.StepEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        node = do_edit_step(
            node, body.validated_data["text"], body.validated_data["version"], editor=request.user
        )
        return Response(node_with_my_label(node, request.user))

    @extend_schema(responses=s.NodeSerializer)
    def delete(self, request: Request, pk: int) -> Response:
        """Soft-delete a step (its subtree is hidden; restore brings it back)."""
        node = self._deletable(request, pk)
        return Response(node_to_dict(do_set_deleted(node, True)))

    @staticmethod
    def _deletable(request: Request, pk: int) -> Node:
        node = get_node_for(request.user, pk)
        require_owner_or_role(
            request.user,
            node.tree.problem.campaign_id,
            node.author_id,
            Role.LEAD,
            "Only a step's author or a lead deletes and restores it.",
        )
        return node


class NodeRestore(APIView):
    @extend_schema(request=None, responses=s.NodeSerializer)
    def post(self, request: Request, pk: int) -> Response:
        node = NodeDetail._deletable(request, pk)
        return Response(node_to_dict(do_set_deleted(node, False)))


class NodeChildren(APIView):
    @extend_schema(request=s.StepCreateSerializer, responses={201: s.NodeSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Write my own next step below this node."""
        parent = get_node_for(request.user, pk)
        body = s.StepCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        node = do_add_child_step(
            parent, body.validated_data["text"], request.user, kind=body.validated_data["kind"]
        )
        return Response(node_to_dict(node), status=status.HTTP_201_CREATED)


class NodeRevisions(APIView):
    @extend_schema(responses=s.RevisionSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        node = get_node_for(request.user, pk)
        revisions = list_revisions(node)
        return Response(s.RevisionSerializer(revisions, many=True).data)


class NodeLabel(APIView):
    """My label on a step: a rating (+1, 0, -1) with an optional note and flag. PUT sets the
    rating and PATCH changes any part; on both, a part left out keeps its current value, so
    relabelling never wipes the note or flag. DELETE clears the whole label."""

    @extend_schema(request=s.LabelSerializer, responses=s.NodeSerializer)
    def put(self, request: Request, pk: int) -> Response:
        """Set my label on this step (note and flag kept unless sent)."""
        return self._save(request, pk, s.LabelSerializer(data=request.data))

    @extend_schema(
        request=s.LabelPatchSerializer,
        responses=s.NodeSerializer,
        description="Change any of rating, note, flagged of my label. A note or flag on a "
        "step I have not rated answers 422: label it first.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        return self._save(request, pk, s.LabelPatchSerializer(data=request.data))

    @staticmethod
    def _save(request: Request, pk: int, body: s.LabelSerializer) -> Response:
        node = get_node_for(request.user, pk)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        label = do_label_step(
            node,
            request.user,
            data.get("rating"),
            note=data.get("note"),
            flagged=data.get("flagged"),
            seconds_spent=data.get("seconds_spent"),
        )
        node.refresh_from_db()
        return Response(node_to_dict(node, label.rating, label.note, label.flagged))

    @extend_schema(responses=s.NodeSerializer)
    def delete(self, request: Request, pk: int) -> Response:
        """Clear my label on this step, its note and flag with it."""
        node = get_node_for(request.user, pk)
        do_unlabel_step(node, request.user)
        node.refresh_from_db()
        return Response(node_to_dict(node))


class NodeLabels(APIView):
    @extend_schema(responses=dict)
    def get(self, request: Request, pk: int) -> Response:
        """Every expert's label on this step, for adjudication (reviewers)."""
        node = get_node_for(request.user, pk, Role.REVIEWER)
        labels = list_step_labels(node)
        return Response(
            [
                {
                    "expert": label.expert_id,
                    "username": label.expert.username,
                    "rating": label.rating,
                    "note": label.note,
                    "flagged": label.flagged,
                    "updated_at": label.updated_at,
                }
                for label in labels
            ]
        )


class NodeGold(APIView):
    @extend_schema(request=s.GoldSerializer, responses=s.NodeSerializer)
    def put(self, request: Request, pk: int) -> Response:
        node = get_node_for(request.user, pk, Role.REVIEWER)
        body = s.GoldSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        do_set_gold_label(
            node, request.user, body.validated_data["rating"], body.validated_data.get("note", "")
        )
        node.refresh_from_db()
        return Response(node_with_my_label(node, request.user))

    @extend_schema(responses=s.NodeSerializer)
    def delete(self, request: Request, pk: int) -> Response:
        node = get_node_for(request.user, pk, Role.REVIEWER)
        do_set_gold_label(node, request.user, None)
        node.refresh_from_db()
        return Response(node_with_my_label(node, request.user))
