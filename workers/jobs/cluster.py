"""A cluster job: cluster the steps of one tree (or of every tree of the campaign) by
embedding similarity within a depth band, and store each node's cluster id (the step DAG's
vertices)."""

from __future__ import annotations

from trees.core.dag import cluster_embeddings, number_signature
from trees.core.jobresults import ClusterResult
from trees.errors import JobStopped
from trees.models import Job
from trees.queries.jobs import list_live_steps, trees_of_job
from trees.services.jobs import do_report_progress, is_cancelled
from trees.services.search import do_set_clusters, finish_search
from workers.embeddings import embed, embedder_name


def run_cluster(job: Job) -> None:
    campaign = job.campaign
    if campaign is None:
        raise ValueError(f"Job {job.pk} belongs to no campaign.")
    threshold = float(job.params.get("threshold") or campaign.cluster_threshold)
    band = job.params.get("band")
    band = int(campaign.cluster_depth_band if band is None else band)
    same_numbers = job.params.get("same_numbers", True)
    trees = trees_of_job(job)
    do_report_progress(job, 0, len(trees))
    clusters, changed = 0, 0
    for index, tree in enumerate(trees, start=1):
        if is_cancelled(job.pk):
            raise JobStopped
        rows = list_live_steps(tree)
        steps = [row for row in rows if row[3] is not None]
        texts = [row[1] for row in steps]
        labels = cluster_embeddings(
            embed(texts),
            [row[2] for row in steps],
            threshold,
            band,
            keys=[number_signature(text) for text in texts] if same_numbers else None,
        )
        # The question is its own cluster, 0; steps are numbered from 1.
        mapping = {row[0]: 0 for row in rows if row[3] is None}
        mapping.update({row[0]: label + 1 for row, label in zip(steps, labels, strict=True)})
        changed += do_set_clusters(tree, mapping)
        clusters += len(set(mapping.values()))
        do_report_progress(job, index)
    result = ClusterResult(
        trees=len(trees),
        clusters=clusters,
        changed=changed,
        threshold=threshold,
        band=band,
        same_numbers=same_numbers,
        embedder=embedder_name(),
    )
    finish_search(job, result.to_data())
