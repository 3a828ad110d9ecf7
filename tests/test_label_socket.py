"""What each viewer of a tree's socket receives of a label change: the rater and reviewers
get the rating with its note and flag; other experts get the counts only (in-process layer)."""

from __future__ import annotations

from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from annotator.asgi import application
from tests.factories import make_problem, make_user, root_of
from trees.models import Role
from trees.services.campaigns import do_add_member
from trees.services.nodes import do_add_child_step


def session_headers(user) -> list[tuple[bytes, bytes]]:
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return [(b"cookie", cookie.encode()), (b"origin", b"http://127.0.0.1:8000")]


def test_only_the_rater_and_reviewers_see_a_labels_note_flag_and_rater(
    transactional_db, campaign, bob, carol, client_for
):
    dave = make_user("dave")
    do_add_member(campaign, dave, Role.EXPERT)
    step = do_add_child_step(root_of(make_problem(campaign)), "2 + 3 = 5", bob)
    viewers = {"bob": bob, "carol": carol, "dave": dave}
    headers = {name: session_headers(user) for name, user in viewers.items()}
    patch_label = sync_to_async(client_for(bob).patch)
    put_label = sync_to_async(client_for(bob).put)

    async def scenario() -> dict[str, list[dict]]:
        sockets = {}
        for name in viewers:
            socket = WebsocketCommunicator(
                application, f"/ws/trees/{step.tree_id}/", headers=headers[name]
            )
            connected, _ = await socket.connect()
            assert connected
            sockets[name] = socket
        url = f"/api/v1/nodes/{step.pk}/label/"
        assert (await put_label(url, {"rating": 1}, format="json")).status_code == 200
        body = {"note": "check 5", "flagged": True}
        assert (await patch_label(url, body, format="json")).status_code == 200
        received: dict[str, list[dict]] = {}
        for name, socket in sockets.items():
            events = []
            while len(events) < 2:
                message = await socket.receive_json_from(timeout=5)
                if message["type"] == "label.changed":
                    events.append(message)
            received[name] = events
            await socket.disconnect()
        return received

    received = async_to_sync(scenario)()
    for name in ("bob", "carol"):
        last = received[name][-1]
        assert (last["user_id"], last["rating"], last["note"], last["flagged"]) == (
            bob.pk,
            1,
            "check 5",
            True,
        )
    for event in received["dave"]:
        assert set(event) == {"type", "tree", "node_id", "counts"}
        assert event["counts"] == {"1": 1, "0": 0, "-1": 0}
