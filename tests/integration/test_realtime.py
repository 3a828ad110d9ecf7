"""Websocket events: membership is checked on connect; a label made through the API reaches
a connected client (over the Redis channel layer when REDIS_URL is set)."""

from __future__ import annotations

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client

from annotator.asgi import application
from tests.factories import make_problem, root_of
from trees.services.nodes import do_add_child_step

from .conftest import require_services


def session_headers(user) -> list[tuple[bytes, bytes]]:
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return [(b"cookie", cookie.encode()), (b"origin", b"http://127.0.0.1:8000")]


def test_a_label_made_through_the_api_reaches_a_connected_client_over_redis(
    transactional_db, campaign, bob, carol, client_for
):
    require_services()
    assert type(get_channel_layer()).__name__ == "RedisChannelLayer"
    step = do_add_child_step(root_of(make_problem(campaign)), "2 + 3 = 5", bob)
    headers = session_headers(carol)
    put_label = sync_to_async(client_for(bob).put)

    async def scenario() -> dict:
        socket = WebsocketCommunicator(application, f"/ws/trees/{step.tree_id}/", headers=headers)
        connected, _ = await socket.connect()
        assert connected
        assert (await socket.receive_json_from(timeout=5))["type"] == "hello"
        response = await put_label(f"/api/v1/nodes/{step.pk}/label/", {"rating": -1}, format="json")
        assert response.status_code == 200
        event = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return event

    event = async_to_sync(scenario)()
    assert event["type"] == "label.changed"
    assert (event["node_id"], event["user_id"], event["rating"]) == (step.pk, bob.pk, -1)
    assert event["counts"] == {"1": 0, "0": 0, "-1": 1}


def test_an_outsider_cannot_open_a_trees_socket(transactional_db, campaign, mallory):
    tree_id = make_problem(campaign).tree.pk
    headers = session_headers(mallory)

    async def scenario() -> bool:
        socket = WebsocketCommunicator(application, f"/ws/trees/{tree_id}/", headers=headers)
        connected, _ = await socket.connect()
        await socket.disconnect()
        return connected

    assert async_to_sync(scenario)() is False


def test_an_anonymous_socket_is_refused(transactional_db, campaign):
    tree_id = make_problem(campaign).tree.pk

    async def scenario() -> bool:
        socket = WebsocketCommunicator(
            application, f"/ws/trees/{tree_id}/", headers=[(b"origin", b"http://127.0.0.1:8000")]
        )
        connected, _ = await socket.connect()
        return connected

    assert async_to_sync(scenario)() is False


def test_viewers_of_a_tree_see_each_other_arrive_and_leave(transactional_db, campaign, bob, carol):
    tree_id = make_problem(campaign).tree.pk
    carol_headers, bob_headers = session_headers(carol), session_headers(bob)

    async def scenario() -> tuple[dict, dict, dict]:
        first = WebsocketCommunicator(application, f"/ws/trees/{tree_id}/", headers=carol_headers)
        assert (await first.connect())[0]
        assert (await first.receive_json_from(timeout=5))["type"] == "hello"
        second = WebsocketCommunicator(application, f"/ws/trees/{tree_id}/", headers=bob_headers)
        assert (await second.connect())[0]
        assert (await second.receive_json_from(timeout=5))["type"] == "hello"
        joined = await first.receive_json_from(timeout=5)
        here = await second.receive_json_from(timeout=5)
        await second.disconnect()
        left = await first.receive_json_from(timeout=5)
        await first.disconnect()
        return joined, here, left

    joined, here, left = async_to_sync(scenario)()
    assert (joined["type"], joined["viewer"]["username"]) == ("presence.join", bob.username)
    assert (here["type"], here["viewer"]["username"]) == ("presence.here", carol.username)
    assert (left["type"], left["viewer"]["user_id"]) == ("presence.leave", bob.pk)
