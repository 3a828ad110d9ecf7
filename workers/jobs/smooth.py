"""A smooth job: the pinned model rewrites each step passage of a prose long thought;
trees.core.smooth keeps only the rewrites that say the same mathematics."""

from __future__ import annotations

from trees.core.smooth import smooth_prompt, splice
from trees.errors import Invalid
from trees.models import Job
from trees.queries.jobs import get_long_thought_with_campaign
from trees.services.jobs import do_fail_job, do_report_progress
from trees.services.longthoughts import check_smoothable, do_store_smoothed
from workers.client import ModelClient
from workers.jobs.context import pinned_profile
from workers.profiles import template


def run_smooth(job: Job) -> None:
    source = get_long_thought_with_campaign(job.params["long_thought"])
    try:
        check_smoothable(source)
    except Invalid as exc:
        do_fail_job(job, exc.message)
        return
    problem = source.tree.problem
    profile = pinned_profile(job)
    client = ModelClient(job, problem, profile)
    prompt_template = template(profile, "smooth")
    text = source.rendered_text
    do_report_progress(job, 0, len(source.spans))
    rewrites: dict[int, str] = {}
    for i, (_, start, end) in enumerate(source.spans):
        # One call per passage, seeded by its index: a re-delivered job rewrites every
        # passage the same way.
        completions = client.generate(
            smooth_prompt(prompt_template, problem.statement, text[start:end]),
            1,
            int(client.settings["step_max_tokens"]) * 2,
            ("\n",),
            logprobs=0,
        )
        rewrites[i] = completions[0].text if completions else text[start:end]
        do_report_progress(job, i + 1)
    smoothed = splice(text, source.spans, source.thought_end, rewrites)
    do_store_smoothed(job, source, smoothed, model=f"{profile.backend}:{profile.name}")
