from __future__ import annotations

from django.apps import AppConfig


class TreesConfig(AppConfig):
    name = "trees"
    verbose_name = "Arbor"
    default_auto_field = "django.db.models.BigAutoField"
