from __future__ import annotations

from typing import Any

from django.urls import path

from trees.consumers import TreeConsumer

# Channels routes ASGI consumers through Django's path(); django-stubs types path() for views.
websocket_urlpatterns: list[Any] = [
    path("ws/trees/<int:tree_id>/", TreeConsumer.as_asgi()),  # type: ignore[arg-type]
]
