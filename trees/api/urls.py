from __future__ import annotations

from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from trees.api import campaigns, exports, generation, jobs, longthoughts, nodes, search

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="auth-token"),
    path("me/", jobs.Me.as_view(), name="me"),
    path("campaigns/", campaigns.CampaignList.as_view(), name="campaign-list"),
    path("campaigns/<slug:slug>/", campaigns.CampaignDetail.as_view(), name="campaign-detail"),
    path("campaigns/<slug:slug>/members/", campaigns.MemberList.as_view(), name="member-list"),
    path(
        "campaigns/<slug:slug>/members/<int:pk>/",
        campaigns.MemberDetail.as_view(),
        name="member-detail",
    ),
    path("campaigns/<slug:slug>/assign/", campaigns.AssignProblems.as_view(), name="assign"),
    path("campaigns/<slug:slug>/problems/", campaigns.ProblemList.as_view(), name="problem-list"),
    path("campaigns/<slug:slug>/imports/", campaigns.ImportCreate.as_view(), name="import"),
    path("campaigns/<slug:slug>/jobs/", campaigns.CampaignJobs.as_view(), name="campaign-jobs"),
    path("problems/<int:pk>/", campaigns.ProblemDetail.as_view(), name="problem-detail"),
    path("problems/<int:pk>/tree/", nodes.TreeDetail.as_view(), name="problem-tree"),
    path("nodes/<int:pk>/", nodes.NodeDetail.as_view(), name="node-detail"),
    path("nodes/<int:pk>/restore/", nodes.NodeRestore.as_view(), name="node-restore"),
    path("nodes/<int:pk>/children/", nodes.NodeChildren.as_view(), name="node-children"),
    path("nodes/<int:pk>/revisions/", nodes.NodeRevisions.as_view(), name="node-revisions"),
    path("nodes/<int:pk>/label/", nodes.NodeLabel.as_view(), name="node-label"),
    path("nodes/<int:pk>/labels/", nodes.NodeLabels.as_view(), name="node-labels"),
    path("nodes/<int:pk>/gold/", nodes.NodeGold.as_view(), name="node-gold"),
    path("nodes/<int:pk>/expand/", generation.NodeExpand.as_view(), name="node-expand"),
    path("nodes/<int:pk>/rollouts/", generation.NodeRollouts.as_view(), name="node-rollouts"),
    path(
        "nodes/<int:pk>/first-error/", generation.NodeFirstError.as_view(), name="node-first-error"
    ),
    path(
        "suggestions/<int:pk>/review/",
        generation.SuggestionReview.as_view(),
        name="suggestion-review",
    ),
    path("model-profiles/", generation.ModelProfileList.as_view(), name="model-profile-list"),
    path(
        "model-profiles/<int:pk>/",
        generation.ModelProfileDetail.as_view(),
        name="model-profile-detail",
    ),
    path("jobs/<int:pk>/", jobs.JobDetail.as_view(), name="job-detail"),
    path("jobs/<int:pk>/cancel/", jobs.JobCancel.as_view(), name="job-cancel"),
    path("queue/", jobs.QueueList.as_view(), name="queue"),
    path("queue/next/", jobs.QueueNext.as_view(), name="queue-next"),
    path("assignments/<int:pk>/finish/", jobs.AssignmentFinish.as_view(), name="assignment-finish"),
    # Long thoughts and exports.
    path(
        "problems/<int:pk>/long-thoughts/",
        longthoughts.ProblemLongThoughts.as_view(),
        name="problem-long-thoughts",
    ),
    path(
        "long-thoughts/<int:pk>/",
        longthoughts.LongThoughtDetail.as_view(),
        name="long-thought-detail",
    ),
    path(
        "long-thoughts/<int:pk>/revisions/",
        longthoughts.LongThoughtRevisions.as_view(),
        name="long-thought-revisions",
    ),
    path(
        "long-thoughts/<int:pk>/smooth/",
        longthoughts.LongThoughtSmooth.as_view(),
        name="long-thought-smooth",
    ),
    path(
        "long-thoughts/<int:pk>/review/",
        longthoughts.LongThoughtReview.as_view(),
        name="long-thought-review",
    ),
    path(
        "campaigns/<slug:slug>/long-thought-stats/",
        longthoughts.LongThoughtStats.as_view(),
        name="long-thought-stats",
    ),
    path(
        "campaigns/<slug:slug>/exports/", exports.CampaignExports.as_view(), name="campaign-exports"
    ),
    path("exports/<int:pk>/", exports.ExportDetail.as_view(), name="export-detail"),
    path("exports/<int:pk>/download/", exports.ExportDownload.as_view(), name="export-download"),
    path("exports/<int:pk>/manifest/", exports.ExportManifest.as_view(), name="export-manifest"),
    path(
        "campaigns/<slug:slug>/export-schedules/",
        exports.CampaignExportSchedules.as_view(),
        name="export-schedules",
    ),
    path(
        "campaigns/<slug:slug>/export-schedules/<int:pk>/",
        exports.ExportScheduleDetail.as_view(),
        name="export-schedule-detail",
    ),
    # Propose-critique loops, automated tree building, the step DAG.
    path(
        "nodes/<int:pk>/critique-loop/",
        search.NodeCritiqueLoop.as_view(),
        name="node-critique-loop",
    ),
    path("loops/<int:pk>/", search.LoopDetail.as_view(), name="loop-detail"),
    path("loops/<int:pk>/pause/", search.LoopPause.as_view(), name="loop-pause"),
    path("loops/<int:pk>/resume/", search.LoopResume.as_view(), name="loop-resume"),
    path("loops/<int:pk>/accept/", search.LoopAccept.as_view(), name="loop-accept"),
    path("loops/<int:pk>/critiques/", search.LoopCritiques.as_view(), name="loop-critiques"),
    path("loops/<int:pk>/edit/", search.LoopEdit.as_view(), name="loop-edit"),
    path("nodes/<int:pk>/beam-search/", search.NodeBeamSearch.as_view(), name="node-beam-search"),
    path("nodes/<int:pk>/mcts/", search.NodeMcts.as_view(), name="node-mcts"),
    path("nodes/<int:pk>/recomplete/", search.NodeRecomplete.as_view(), name="node-recomplete"),
    path(
        "campaigns/<slug:slug>/search-runs/",
        search.CampaignSearchRuns.as_view(),
        name="campaign-search-runs",
    ),
    path(
        "campaigns/<slug:slug>/cluster/", search.CampaignCluster.as_view(), name="campaign-cluster"
    ),
    path(
        "campaigns/<slug:slug>/cluster-settings/",
        search.CampaignClusterSettings.as_view(),
        name="campaign-cluster-settings",
    ),
    path("problems/<int:pk>/cluster/", search.ProblemCluster.as_view(), name="problem-cluster"),
    path("problems/<int:pk>/dag/", search.ProblemDag.as_view(), name="problem-dag"),
    path(
        "problems/<int:pk>/dag/paths/", search.ProblemDagPaths.as_view(), name="problem-dag-paths"
    ),
    path(
        "problems/<int:pk>/dag/long-thought/",
        search.ProblemDagLongThought.as_view(),
        name="problem-dag-long-thought",
    ),
]
