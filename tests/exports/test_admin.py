"""Staff see long thoughts, exports and schedules in the admin; writes go through services."""

from __future__ import annotations

import pytest
from django.test import Client
from django_celery_beat.models import PeriodicTask

from tests.exports.conftest import run_export
from trees.models import ExportSchedule, LongThought
from trees.services.exports import do_create_export_schedule
from trees.services.longthoughts import do_derive_long_thought

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(labelled, staff) -> Client:
    staff.is_superuser = True
    staff.save()
    do_derive_long_thought(labelled.pens.tree, "journey", {})
    run_export(labelled.campaign, "dpo")
    do_create_export_schedule(labelled.campaign, "dpo", {}, interval={"every": 1, "period": "days"})
    client = Client()
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    "page", ["/admin/trees/longthought/", "/admin/trees/export/", "/admin/trees/exportschedule/"]
)
def test_staff_list_long_thoughts_exports_and_schedules(admin_client, page):
    assert admin_client.get(page).status_code == 200


def test_admin_approves_through_the_service_and_deletes_schedules_with_their_task(
    admin_client, staff
):
    thought = LongThought.objects.get()
    admin_client.post(
        "/admin/trees/longthought/",
        {"action": "approve_long_thoughts", "_selected_action": [thought.pk]},
    )
    thought.refresh_from_db()
    assert thought.status == "approved" and thought.reviewer == staff
    schedule = ExportSchedule.objects.get()
    admin_client.post(f"/admin/trees/exportschedule/{schedule.pk}/delete/", {"post": "yes"})
    assert not ExportSchedule.objects.exists() and not PeriodicTask.objects.exists()
