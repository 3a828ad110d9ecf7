"""Model profiles: the service refuses to delete one in use; reading one creates nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_problem, root_of
from trees.errors import Conflict, Invalid
from trees.models import ModelProfile
from trees.queries import get_model_profile
from trees.services.campaigns import do_update_campaign
from trees.services.jobs import do_create_job
from trees.services.profiles import (
    ProfileInUse,
    do_create_profile,
    do_delete_profile,
    do_update_profile,
    ensure_campaign_profile,
    ensure_demo_profile,
)

pytestmark = pytest.mark.django_db


def test_reading_the_profile_of_a_campaign_without_one_creates_nothing(campaign):
    with CaptureQueriesContext(connection) as queries, pytest.raises(Invalid):
        get_model_profile(campaign)
    assert not ModelProfile.objects.exists()
    assert all(not q["sql"].lstrip().upper().startswith("INSERT") for q in queries.captured_queries)


def test_reading_finds_the_demo_profile_once_a_write_made_it(campaign):
    demo = ensure_demo_profile()
    assert ensure_demo_profile() == demo and ModelProfile.objects.count() == 1
    assert get_model_profile(campaign) == demo
    assert get_model_profile(None) == demo


def test_a_campaign_default_wins_over_the_demo_profile(campaign):
    local = do_create_profile(name="local", backend="openai", model_name="qwen")
    do_update_campaign(campaign, default_model_profile=local)
    assert get_model_profile(campaign) == local
    assert ensure_campaign_profile(campaign) == local
    assert not ModelProfile.objects.filter(name="demo").exists()


def test_profile_names_are_unique_on_create_and_update():
    first = do_create_profile(name="a")
    second = do_create_profile(name="b")
    with pytest.raises(Conflict):
        do_create_profile(name="a")
    with pytest.raises(Conflict):
        do_update_profile(second, name="a")
    assert do_update_profile(first, model_name="m").model_name == "m"
    with pytest.raises(Invalid):
        do_update_profile(first, api_key="secret")  # keys are never stored


def test_a_profile_that_is_a_campaign_default_is_not_deleted(campaign):
    local = do_create_profile(name="local", backend="openai", model_name="qwen")
    do_update_campaign(campaign, default_model_profile=local)
    with pytest.raises(ProfileInUse) as refused:
        do_delete_profile(local)
    assert refused.value.status == 409 and refused.value.detail["uses"] == {"campaigns": 1}
    campaign.refresh_from_db()
    assert campaign.default_model_profile == local


def test_a_profile_jobs_ran_on_is_not_deleted(campaign):
    local = do_create_profile(name="local")
    root = root_of(make_problem(campaign))
    job, _ = do_create_job("expand", campaign=campaign, tree=root.tree, node=root, profile=local)
    assert job.profile == local
    with pytest.raises(ProfileInUse, match="1 jobs"):
        do_delete_profile(local)
    assert ModelProfile.objects.filter(pk=local.pk).exists()


def test_an_unused_profile_is_deleted():
    spare = do_create_profile(name="spare")
    do_delete_profile(spare)
    assert not ModelProfile.objects.exists()
