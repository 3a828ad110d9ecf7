from __future__ import annotations

from django.conf import settings
from django.db import models

RATING_CHOICES = [(1, "+1 correct"), (0, "0 neutral"), (-1, "-1 wrong")]


class StepLabel(models.Model):
    """One expert's label on one step (PRM800K semantics)."""

    node = models.ForeignKey("trees.Node", on_delete=models.CASCADE, related_name="labels")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="step_labels"
    )
    rating = models.SmallIntegerField(choices=RATING_CHOICES)
    note = models.TextField(blank=True)
    flagged = models.BooleanField(default=False)
    seconds_spent = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=50, blank=True, help_text="Import source, if imported.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["node", "expert"], name="label_unique_expert"),
            models.CheckConstraint(condition=models.Q(rating__in=[-1, 0, 1]), name="label_rating"),
        ]
        indexes = [models.Index(fields=["expert", "node"], name="label_expert_node")]

    def __str__(self) -> str:
        return f"{self.expert_id} rates {self.node_id} {self.rating:+d}"


class GoldLabel(models.Model):
    """The adjudicated label of a step, set by a reviewer."""

    node = models.OneToOneField("trees.Node", on_delete=models.CASCADE, related_name="gold")
    rating = models.SmallIntegerField(choices=RATING_CHOICES)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__in=[-1, 0, 1]), name="gold_rating"),
        ]

    def __str__(self) -> str:
        return f"gold {self.rating:+d} on {self.node_id}"


class Critique(models.Model):
    class Verdict(models.TextChoices):
        ACCEPT = "accept"
        REVISE = "revise"
        REJECT = "reject"

    node = models.ForeignKey("trees.Node", on_delete=models.CASCADE, related_name="critiques")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    model_profile = models.ForeignKey(
        "trees.ModelProfile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    round = models.PositiveSmallIntegerField(default=1)
    # The version of the step's text this critique judged: an expert edit makes it stale.
    node_version = models.PositiveIntegerField(default=1)
    loop = models.ForeignKey(
        "trees.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revision = models.ForeignKey(
        "trees.Node", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"critique round {self.round} of {self.node_id}: {self.verdict}"


class LongThought(models.Model):
    """A long thought derived from a tree: the plan (data), its rendering, an expert's edit
    (every edit kept as a LongThoughtRevision) and a reviewer's verdict."""

    class Style(models.TextChoices):
        JOURNEY = "journey"
        SHORTCUT = "shortcut"

    class Render(models.TextChoices):
        PROSE = "prose"
        STEINER = "steiner"
        # Prose rewritten passage by passage by the campaign's model (trees.core.smooth).
        SMOOTHED = "smoothed"

    # What a derivation plan renders to directly; "smoothed" is made from a prose rendering.
    PLAN_RENDERS = (Render.PROSE.value, Render.STEINER.value)

    class Status(models.TextChoices):
        DRAFT = "draft"
        APPROVED = "approved"
        REJECTED = "rejected"

    tree = models.ForeignKey("trees.Tree", on_delete=models.CASCADE, related_name="long_thoughts")
    style = models.CharField(max_length=10, choices=Style.choices)
    render = models.CharField(max_length=10, choices=Render.choices, default=Render.PROSE)
    params = models.JSONField(default=dict, blank=True)
    plan = models.JSONField(default=list)
    rendered_text = models.TextField()
    # Where the reasoning ends in rendered_text and the "Answer: x" part begins.
    thought_end = models.PositiveIntegerField(default=0)
    answer = models.TextField(blank=True)
    # [node_id, start, end] per visited step: rendered_text[start:end] is that step's text.
    spans = models.JSONField(default=list, blank=True)
    edited_text = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Statistics of the current text (edited, else rendered): kept by the services.
    stats = models.JSONField(default=dict, blank=True)
    token_count = models.PositiveIntegerField(null=True, blank=True)
    line_count = models.PositiveIntegerField(default=0)
    backtracks = models.PositiveIntegerField(default=0)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey(
        "trees.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # One long thought per derive job: a re-delivered job finds its own and stops.
            models.UniqueConstraint(fields=["job"], name="longthought_unique_job"),
        ]
        indexes = [
            models.Index(fields=["tree", "status", "style"], name="longthought_tree_status"),
        ]

    def __str__(self) -> str:
        return f"{self.style} long thought of tree {self.tree_id} ({self.status})"

    @property
    def text(self) -> str:
        """The current text: the expert's edit when there is one, else the rendering."""
        return self.edited_text or self.rendered_text


class SuggestedLabel(models.Model):
    """A label proposed by a model (e.g. the first error found by rollouts). Kept apart from
    expert labels: it never overwrites one, and becomes one only when an expert confirms it."""

    class Status(models.TextChoices):
        PENDING = "pending"
        CONFIRMED = "confirmed"
        REJECTED = "rejected"

    node = models.ForeignKey("trees.Node", on_delete=models.CASCADE, related_name="suggestions")
    rating = models.SmallIntegerField(choices=RATING_CHOICES)
    reason = models.TextField(blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    job = models.ForeignKey("trees.Job", null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["node", "job"], name="suggestion_unique_per_job")
        ]

    def __str__(self) -> str:
        return f"suggested {self.rating:+d} on {self.node_id} ({self.status})"
