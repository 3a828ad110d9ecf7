"""Websocket consumers: authenticate, check membership, relay tree events.
No business logic and no database writes here."""

from __future__ import annotations

import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.exceptions import ChannelFull
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from trees.events import event_for_viewer, tree_group
from trees.models.campaigns import ROLE_RANK, Role
from trees.queries import get_role
from trees.queries.nodes import get_tree_campaign_id

log = logging.getLogger(__name__)


@database_sync_to_async
def role_in_tree(user: Any, tree_id: int) -> str | None:
    """The user's role in the tree's campaign; None for outsiders and unknown trees."""
    campaign_id = get_tree_campaign_id(tree_id)
    return None if campaign_id is None else get_role(user, campaign_id)


class TreeConsumer(AsyncJsonWebsocketConsumer):
    """`/ws/trees/<id>/`: members of the tree's campaign receive its events, and who else is
    viewing the tree (presence: a join is broadcast, and every viewer answers the newcomer
    directly, so no shared registry is needed across web processes)."""

    group: str | None = None
    me: dict[str, Any] | None = None
    # Reviewers and above see who rated what (as GET nodes/<id>/labels/ shows them); the role
    # is read once, on connect.
    sees_raters = False

    async def connect(self) -> None:
        user = self.scope.get("user")
        tree_id = int(self.scope["url_route"]["kwargs"]["tree_id"])
        signed_in = user is not None and user.is_authenticated
        role = await role_in_tree(user, tree_id) if signed_in else None
        if user is None or role is None:
            await self.close(code=4403)
            return
        self.sees_raters = ROLE_RANK[Role(role)] >= ROLE_RANK[Role.REVIEWER]
        self.group = tree_group(tree_id)
        self.me = {"user_id": user.pk, "username": user.get_username(), "conn": self.channel_name}
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "tree": tree_id, **self.me})
        await self.channel_layer.group_send(
            self.group, {"type": "presence.join", "viewer": self.me}
        )

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_send(
                self.group, {"type": "presence.leave", "viewer": self.me}
            )

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def tree_event(self, message: dict[str, Any]) -> None:
        viewer = self.me["user_id"] if self.me else None
        await self.send_json(event_for_viewer(message["event"], viewer, self.sees_raters))

    async def presence_join(self, message: dict[str, Any]) -> None:
        viewer = message["viewer"]
        if viewer["conn"] == self.channel_name:
            return
        await self.send_json({"type": "presence.join", "viewer": viewer})
        try:
            await self.channel_layer.send(
                viewer["conn"], {"type": "presence.here", "viewer": self.me}
            )
        except ChannelFull:
            # Presence is best effort: a newcomer swamped by a crowd arriving at once misses
            # one "here"; it must never take this viewer's connection down.
            log.warning("presence reply dropped: %s is full", viewer["conn"])

    async def presence_here(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "presence.here", "viewer": message["viewer"]})

    async def presence_leave(self, message: dict[str, Any]) -> None:
        if message["viewer"]["conn"] != self.channel_name:
            await self.send_json({"type": "presence.leave", "viewer": message["viewer"]})
