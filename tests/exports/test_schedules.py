"""Export schedules: django-celery-beat periodic tasks whose runs make new Export versions."""

from __future__ import annotations

import json

import pytest
from django_celery_beat.models import PeriodicTask

from trees.models import Export, ExportSchedule
from workers.tasks import run_export_schedule

pytestmark = pytest.mark.django_db
URL = "/api/v1/campaigns/pilot/export-schedules/"


def test_a_schedule_creates_a_periodic_task_and_each_run_a_new_version(labelled, larry, client_for):
    client = client_for(larry)
    response = client.post(
        URL,
        {"format": "prm-stepwise", "name": "nightly", "interval": {"every": 1, "period": "days"}},
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["interval"] == {"every": 1, "period": "days"} and created["crontab"] is None
    task = PeriodicTask.objects.get(pk=created["periodic_task"])
    assert task.task == "arbor.cpu.run_export_schedule"
    assert json.loads(task.args) == [created["id"]]
    assert task.enabled and task.interval.every == 1
    run_export_schedule.apply(args=[created["id"]])
    run_export_schedule.apply(args=[created["id"]])
    exports = Export.objects.filter(schedule_id=created["id"]).order_by("version")
    assert [(e.version, e.status) for e in exports] == [(1, "succeeded"), (2, "succeeded")]
    assert exports[0].sha256 == exports[1].sha256
    listed = client.get(URL).json()["results"]
    assert [item["id"] for item in listed] == [created["id"]]


def test_a_crontab_schedule_and_its_removal(labelled, larry, client_for):
    client = client_for(larry)
    response = client.post(
        URL,
        {"format": "dpo", "crontab": {"minute": "30", "hour": "2", "day_of_week": "1-5"}},
        format="json",
    )
    assert response.status_code == 201, response.content
    schedule = response.json()
    assert schedule["crontab"]["hour"] == "2" and schedule["interval"] is None
    assert PeriodicTask.objects.get(pk=schedule["periodic_task"]).crontab.minute == "30"
    deleted = client.delete(f"{URL}{schedule['id']}/")
    assert deleted.status_code == 204
    assert not ExportSchedule.objects.exists()
    assert not PeriodicTask.objects.filter(pk=schedule["periodic_task"]).exists()
    assert client.delete(f"{URL}{schedule['id']}/").status_code == 404


@pytest.mark.parametrize(
    "timing",
    [
        {},
        {"interval": {"every": 1, "period": "days"}, "crontab": {"minute": "0"}},
        {"crontab": {"minute": "61"}},
        {"interval": {"every": 0, "period": "days"}},
        {"interval": {"every": 1, "period": "fortnights"}},
    ],
)
def test_a_schedule_needs_one_valid_timing(labelled, larry, client_for, timing):
    response = client_for(larry).post(URL, {"format": "dpo", **timing}, format="json")
    assert response.status_code in (400, 422), response.content
    assert not PeriodicTask.objects.exists()


def test_a_disabled_or_removed_schedule_makes_nothing(labelled, larry):
    from trees.services.exports import do_create_export_schedule, do_delete_export_schedule

    schedule = do_create_export_schedule(
        labelled.campaign, "dpo", {}, interval={"every": 1, "period": "hours"}, enabled=False
    )
    run_export_schedule.apply(args=[schedule.pk])
    assert not Export.objects.exists()
    do_delete_export_schedule(schedule)
    run_export_schedule.apply(args=[schedule.pk])
    assert not Export.objects.exists()


def test_a_lead_pauses_and_resumes_a_schedule(labelled, larry, client_for):
    client = client_for(larry)
    created = client.post(
        URL, {"format": "dpo", "interval": {"every": 1, "period": "hours"}}, format="json"
    ).json()
    paused = client.patch(f"{URL}{created['id']}/", {"enabled": False}, format="json")
    assert paused.status_code == 200, paused.content
    assert paused.json()["enabled"] is False
    assert not PeriodicTask.objects.get(pk=created["periodic_task"]).enabled
    run_export_schedule.apply(args=[created["id"]])
    assert not Export.objects.exists()
    resumed = client.patch(f"{URL}{created['id']}/", {"enabled": True}, format="json")
    assert resumed.json()["enabled"] is True
    assert PeriodicTask.objects.get(pk=created["periodic_task"]).enabled
    assert client.patch(f"{URL}{created['id']}/", {}, format="json").status_code in (400, 422)
