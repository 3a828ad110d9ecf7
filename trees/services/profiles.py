"""Model profiles: creating, changing and deleting them, and making the shared demo profile.

The demo profile is made here, explicitly, by the writes that need a default (seed_demo, a
job that starts on a campaign without a default profile); reading a profile never creates
one (see trees.queries.profiles).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from trees.errors import Conflict, Invalid
from trees.models import Campaign, Critique, Job, ModelProfile, Node
from trees.queries.profiles import DEMO_PROFILE_NAME

DEMO_PROFILE_DEFAULTS: dict[str, Any] = {
    "backend": ModelProfile.Backend.DEMO,
    "model_name": "arbor-demo-reasoner",
}
PROFILE_FIELDS = {
    "name",
    "backend",
    "model_name",
    "base_url",
    "api_key_env",
    "chat",
    "prompt_templates",
    "delimiter",
    "mini_step_tokens",
    "sampling_defaults",
    "queue",
}


class ProfileInUse(Conflict):
    """A profile that campaigns, jobs, steps or critiques refer to cannot be deleted."""

    code = "profile_in_use"


def ensure_demo_profile() -> ModelProfile:
    """The shared demo profile, created when missing. A write: call it where a default
    profile is needed for something being written, never from a read."""
    profile, _ = ModelProfile.objects.get_or_create(
        name=DEMO_PROFILE_NAME, defaults=DEMO_PROFILE_DEFAULTS
    )
    return profile


def ensure_campaign_profile(campaign: Campaign | None) -> ModelProfile:
    """The campaign's default profile, or the demo profile (created when missing): what a
    job starting on the campaign runs on. A write, like `ensure_demo_profile`."""
    if campaign is not None and campaign.default_model_profile is not None:
        return campaign.default_model_profile
    return ensure_demo_profile()


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise Invalid(f"Unknown model profile fields: {sorted(unknown)}")


@transaction.atomic
def do_create_profile(**fields: Any) -> ModelProfile:
    _check_fields(fields)
    name = fields.get("name", "")
    if not name:
        raise Invalid("A model profile needs a name.", field="name")
    if ModelProfile.objects.filter(name=name).exists():
        raise Conflict(f"A model profile named {name!r} exists already.", field="name")
    profile = ModelProfile(**fields)
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def do_update_profile(profile: ModelProfile, **fields: Any) -> ModelProfile:
    """Change a profile. Jobs already started keep running on it as it is now read: they
    pin the profile, not a copy of it."""
    _check_fields(fields)
    name = fields.get("name")
    if name and ModelProfile.objects.filter(name=name).exclude(pk=profile.pk).exists():
        raise Conflict(f"A model profile named {name!r} exists already.", field="name")
    for key, value in fields.items():
        setattr(profile, key, value)
    profile.full_clean()
    profile.save(update_fields=[*fields] or None)
    return profile


def profile_uses(profile: ModelProfile) -> dict[str, int]:
    """How many campaigns (as their default), jobs, steps and critiques refer to `profile`."""
    return {
        "campaigns": Campaign.objects.filter(default_model_profile=profile).count(),
        "jobs": Job.objects.filter(profile=profile).count(),
        "nodes": Node.objects.filter(model_profile=profile).count(),
        "critiques": Critique.objects.filter(model_profile=profile).count(),
    }


@transaction.atomic
def do_delete_profile(profile: ModelProfile) -> None:
    """Delete a profile nothing refers to. One in use is refused (ProfileInUse, 409): a
    campaign would silently fall back to the demo model, and jobs and steps would lose the
    record of the model that made them."""
    ModelProfile.objects.select_for_update().filter(pk=profile.pk).first()
    uses = {what: n for what, n in profile_uses(profile).items() if n}
    if uses:
        listed = ", ".join(f"{n} {what}" for what, n in uses.items())
        raise ProfileInUse(
            f"Model profile {profile.name!r} is in use ({listed}); change those first.",
            uses=uses,
        )
    profile.delete()
