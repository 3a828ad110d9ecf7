"""A campaign-wide run's parent job: create its per-problem jobs (pinned to the run's profile)
and send those never started. The run finishes when its last child does (`do_roll_up`)."""

from __future__ import annotations

from trees.core.jobresults import CampaignRunResult
from trees.models import Job
from trees.services.search import do_fan_out, do_roll_up, do_send_children, finish_search


def run_fan_out(job: Job) -> None:
    do_send_children(do_fan_out(job))
    job.refresh_from_db()
    if job.progress_total == 0:
        finish_search(job, CampaignRunResult(note="No problem matched the filters.").to_data())
    else:
        do_roll_up(job.pk)
