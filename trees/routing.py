from __future__ import annotations

from django.urls import path

from trees.consumers import TreeConsumer

websocket_urlpatterns = [path("ws/trees/<int:tree_id>/", TreeConsumer.as_asgi())]
