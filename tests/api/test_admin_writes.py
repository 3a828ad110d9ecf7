"""The Django admin writes memberships and model profiles through their services: the
last-admin rule and the profile-in-use rule hold there as in the API."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import make_user
from trees.models import Membership, ModelProfile, Role
from trees.services.campaigns import do_update_campaign
from trees.services.profiles import do_create_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(staff) -> Client:
    staff.is_superuser = True
    staff.save()
    client = Client()
    client.force_login(staff)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_deleting_the_last_admin_membership_in_the_admin_is_refused(admin_client, campaign, alice):
    membership = Membership.objects.get(campaign=campaign, user=alice)
    response = admin_client.post(
        f"/admin/trees/membership/{membership.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert "A campaign keeps at least one admin." in messages_of(response)
    assert Membership.objects.get(pk=membership.pk).role == Role.ADMIN


def test_demoting_the_last_admin_in_the_admin_is_refused(admin_client, campaign, alice):
    membership = Membership.objects.get(campaign=campaign, user=alice)
    response = admin_client.post(
        f"/admin/trees/membership/{membership.pk}/change/", {"role": "expert"}, follow=True
    )
    assert "A campaign keeps at least one admin." in messages_of(response)
    assert Membership.objects.get(pk=membership.pk).role == Role.ADMIN


def test_the_admin_removes_a_member_with_their_open_assignments(admin_client, campaign, bob):
    membership = Membership.objects.get(campaign=campaign, user=bob)
    admin_client.post(f"/admin/trees/membership/{membership.pk}/delete/", {"post": "yes"})
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_bulk_remove_action_keeps_the_last_admin(admin_client, campaign, alice, bob):
    chosen = Membership.objects.filter(campaign=campaign, user__in=[alice, bob])
    response = admin_client.post(
        "/admin/trees/membership/",
        {"action": "remove_members", "_selected_action": [m.pk for m in chosen]},
        follow=True,
    )
    assert any("at least one admin" in text for text in messages_of(response))
    assert list(Membership.objects.filter(campaign=campaign, user__in=[alice, bob])) == [
        Membership.objects.get(campaign=campaign, user=alice)
    ]


def test_the_campaign_inline_adds_members_through_the_service(admin_client, campaign, alice):
    dave = make_user("dave")
    members = list(Membership.objects.filter(campaign=campaign).order_by("pk"))
    form = {
        "name": campaign.name,
        "slug": campaign.slug,
        "guidelines": "",
        "status": campaign.status,
        "overlap": 1,
        "default_model_profile": "",
        "memberships-TOTAL_FORMS": len(members) + 1,
        "memberships-INITIAL_FORMS": len(members),
        "memberships-MIN_NUM_FORMS": 0,
        "memberships-MAX_NUM_FORMS": 1000,
    }
    for index, member in enumerate(members):
        form |= {
            f"memberships-{index}-id": member.pk,
            f"memberships-{index}-campaign": campaign.pk,
            f"memberships-{index}-user": member.user_id,
            f"memberships-{index}-role": member.role,
        }
        if member.user == alice:
            form[f"memberships-{index}-DELETE"] = "on"  # the only admin: refused
    extra = len(members)
    form |= {
        f"memberships-{extra}-campaign": campaign.pk,
        f"memberships-{extra}-user": dave.pk,
        f"memberships-{extra}-role": "reviewer",
    }
    response = admin_client.post(f"/admin/trees/campaign/{campaign.pk}/change/", form, follow=True)
    assert "A campaign keeps at least one admin." in messages_of(response)
    # The refusal rolls back the whole save: nothing half-done.
    assert not Membership.objects.filter(user=dave).exists()
    assert Membership.objects.filter(campaign=campaign, user=alice, role="admin").exists()
    del form[next(k for k, v in form.items() if k.endswith("-DELETE"))]
    admin_client.post(f"/admin/trees/campaign/{campaign.pk}/change/", form)
    assert Membership.objects.get(user=dave).role == Role.REVIEWER


def test_deleting_a_profile_in_use_in_the_admin_is_refused(admin_client, campaign):
    local = do_create_profile(name="local", backend="openai", model_name="qwen")
    do_update_campaign(campaign, default_model_profile=local)
    response = admin_client.post(
        f"/admin/trees/modelprofile/{local.pk}/delete/", {"post": "yes"}, follow=True
    )
    # The campaign's default is a protected relation, so Django's own delete page already
    # refuses (the service's in-use check stands behind it).
    page = response.content.decode()
    assert "Cannot delete model profile" in page
    assert ModelProfile.objects.filter(pk=local.pk).exists()
    campaign.refresh_from_db()
    assert campaign.default_model_profile == local


def test_the_admin_creates_and_deletes_an_unused_profile(admin_client):
    form = {
        "name": "spare",
        "backend": "demo",
        "model_name": "",
        "base_url": "",
        "api_key_env": "",
        "prompt_templates": "{}",
        "delimiter": "line",
        "mini_step_tokens": 32,
        "sampling_defaults": "{}",
        "queue": "gpu",
    }
    admin_client.post("/admin/trees/modelprofile/add/", form)
    spare = ModelProfile.objects.get(name="spare")
    admin_client.post(f"/admin/trees/modelprofile/{spare.pk}/delete/", {"post": "yes"})
    assert not ModelProfile.objects.exists()


def test_the_api_refuses_to_delete_a_profile_in_use(staff, client_for, campaign):
    local = do_create_profile(name="local")
    do_update_campaign(campaign, default_model_profile=local)
    response = client_for(staff).delete(f"/api/v1/model-profiles/{local.pk}/")
    assert response.status_code == 409
    assert response.json()["code"] == "profile_in_use"
    assert response.json()["uses"] == {"campaigns": 1}
    do_update_campaign(campaign, default_model_profile=None)
    assert client_for(staff).delete(f"/api/v1/model-profiles/{local.pk}/").status_code == 204
    assert not ModelProfile.objects.exists()


def test_the_admin_creates_a_campaign_whose_creator_is_its_admin(admin_client, staff):
    from trees.models import Campaign

    form = {
        "name": "Second",
        "slug": "second",
        "guidelines": "Label every step.",
        "status": "active",
        "overlap": 2,
        "default_model_profile": "",
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
        "memberships-MIN_NUM_FORMS": 0,
        "memberships-MAX_NUM_FORMS": 1000,
    }
    admin_client.post("/admin/trees/campaign/add/", form)
    campaign = Campaign.objects.get(slug="second")
    assert (campaign.overlap, campaign.created_by) == (2, staff)
    assert Membership.objects.get(campaign=campaign).user == staff
    page = admin_client.get(f"/admin/trees/campaign/{campaign.pk}/change/").content.decode()
    assert 'name="slug"' not in page  # fixed once the campaign exists
