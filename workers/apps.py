"""The workers package as a Django app: it has no models, only management commands."""

from __future__ import annotations

from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "workers"
    verbose_name = "Arbor workers"
