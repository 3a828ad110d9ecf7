"""The smoothing pass: the campaign's model rewrites each step passage of a prose long thought;
trees.core.smooth keeps only the rewrites that say the same mathematics."""

from __future__ import annotations

from trees.core.smooth import SMOOTH_TEMPLATE, smooth_prompt, splice
from trees.errors import Invalid
from trees.models import Job, LongThought
from trees.services.jobs import do_fail_job, do_report_progress, is_cancelled
from trees.services.longthoughts import check_smoothable, do_store_smoothed
from workers.backends.base import GenerationRequest
from workers.generation import pinned_profile
from workers.profiles import backend_for, sampling


def run_smooth(job: Job) -> None:
    source = LongThought.objects.select_related("tree__problem__campaign").get(
        pk=job.params["long_thought"]
    )
    try:
        check_smoothable(source)
    except Invalid as exc:
        do_fail_job(job, exc.message)
        return
    problem = source.tree.problem
    profile = pinned_profile(job)
    settings = sampling(
        profile, temperature=job.params.get("temperature"), seed=job.seed
    )
    template = (profile.prompt_templates or {}).get("smooth") or SMOOTH_TEMPLATE
    backend = backend_for(profile)
    text = source.rendered_text
    seed = settings.get("seed")
    do_report_progress(job, 0, len(source.spans))
    rewrites: dict[int, str] = {}
    for i, (_, start, end) in enumerate(source.spans):
        if is_cancelled(job.pk):
            return
        passage = text[start:end]
        [completion] = backend.generate(
            GenerationRequest(
                prompt=smooth_prompt(template, problem.statement, passage),
                n=1,
                max_tokens=int(settings["step_max_tokens"]) * 2,
                temperature=float(settings["temperature"]),
                top_p=float(settings["top_p"]),
                stop=("\n",),
                # One seed per passage: a re-delivered job rewrites every passage the same way.
                seed=None if seed is None else int(seed) + i,
                logprobs=0,
            )
        )
        rewrites[i] = completion.text
        do_report_progress(job, i + 1)
    smoothed = splice(text, source.spans, source.thought_end, rewrites)
    do_store_smoothed(job, source, smoothed, model=f"{profile.backend}:{profile.name}")
