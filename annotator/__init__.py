"""Arbor's Django project: settings, URLs, ASGI routing and the Celery app."""

from __future__ import annotations

from annotator.celery import app as celery_app

__all__ = ["celery_app"]
