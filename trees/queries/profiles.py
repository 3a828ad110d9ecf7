"""Model profile reads. Reading creates nothing: the demo profile is made by the writes
that need it (trees.services.profiles.ensure_demo_profile)."""

from __future__ import annotations

from django.db.models import QuerySet

from trees.errors import Invalid
from trees.models import Campaign, ModelProfile

DEMO_PROFILE_NAME = "demo"


def list_model_profiles() -> QuerySet[ModelProfile]:
    return ModelProfile.objects.order_by("pk")


def get_model_profile(campaign: Campaign | None) -> ModelProfile:
    """The campaign's default model profile, else the shared demo profile. Raises Invalid
    when neither exists (nothing has started a job or seeded the demo yet)."""
    if campaign is not None and campaign.default_model_profile is not None:
        return campaign.default_model_profile
    profile = ModelProfile.objects.filter(name=DEMO_PROFILE_NAME).first()
    if profile is None:
        raise Invalid(
            "No model profile: the campaign has no default and the demo profile does not "
            "exist yet (`manage.py seed_demo` makes it)."
        )
    return profile


def model_profile_exists(pk: int) -> bool:
    return ModelProfile.objects.filter(pk=pk).exists()
