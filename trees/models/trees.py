from __future__ import annotations

from django.conf import settings
from django.db import models


class Tree(models.Model):
    """One reasoning tree per problem; its root node holds the question.

    The counters are kept by the services (never a COUNT over the tree per request).
    """

    problem = models.OneToOneField("trees.Problem", on_delete=models.CASCADE, related_name="tree")
    node_count = models.PositiveIntegerField(default=0)
    labelled_count = models.PositiveIntegerField(default=0)
    correct_leaves = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"tree of problem {self.problem_id}"


class Node(models.Model):
    """One step. Its text continues exactly the path above it."""

    class Kind(models.TextChoices):
        ROOT = "root"
        STEP = "step"
        ANSWER = "answer"

    class Origin(models.TextChoices):
        MODEL = "model"
        HUMAN = "human"
        IMPORT = "import"
        DERIVED = "derived"

    class Correctness(models.TextChoices):
        UNKNOWN = "unknown"
        CORRECT = "correct"
        INCORRECT = "incorrect"

    tree = models.ForeignKey(Tree, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    text = models.TextField()
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.STEP)
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.HUMAN)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    model_profile = models.ForeignKey(
        "trees.ModelProfile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=200, blank=True, help_text="Model name or import source.")
    sampling = models.JSONField(default=dict, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    token_count = models.PositiveIntegerField(null=True, blank=True)
    depth = models.PositiveIntegerField(default=0)
    order = models.PositiveIntegerField(default=0, help_text="Position among its siblings.")
    is_terminal = models.BooleanField(default=False)
    extracted_answer = models.TextField(blank=True)
    correctness = models.CharField(
        max_length=10, choices=Correctness.choices, default=Correctness.UNKNOWN
    )
    # Monte-Carlo values (Math-Shepherd), PRM / critic score, search statistics (MCTS).
    mc_soft = models.FloatField(null=True, blank=True)
    mc_hard = models.FloatField(null=True, blank=True)
    rollout_count = models.PositiveIntegerField(default=0)
    score = models.FloatField(null=True, blank=True)
    visits = models.PositiveIntegerField(default=0)
    value_sum = models.FloatField(default=0.0)
    # True when the text of this step or of a step below it changed after the values above
    # (Monte-Carlo values, score, search statistics, a suggested label) were computed.
    values_stale = models.BooleanField(default=False)
    # The import source's own claim about an answer (solutions' `is_correct`), kept beside
    # Arbor's verdict and never trusted over it; null when the source said nothing.
    source_correct = models.BooleanField(null=True, blank=True)
    # Optional step parts (Steiner: title, summary, reflection) and the DAG cluster.
    parts = models.JSONField(default=dict, blank=True)
    cluster_id = models.IntegerField(null=True, blank=True)
    # Label counts per rating, kept by the label services.
    labels_pos = models.PositiveIntegerField(default=0)
    labels_zero = models.PositiveIntegerField(default=0)
    labels_neg = models.PositiveIntegerField(default=0)
    gold_rating = models.SmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    is_deleted = models.BooleanField(default=False)
    job = models.ForeignKey(
        "trees.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["tree", "depth", "order"], name="node_tree_order"),
            models.Index(fields=["parent", "order"], name="node_parent_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="root", parent__isnull=True)
                | (~models.Q(kind="root") & models.Q(parent__isnull=False)),
                name="node_root_has_no_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"node {self.pk} ({self.kind}): {self.text[:40]}"

    @property
    def label_total(self) -> int:
        return self.labels_pos + self.labels_zero + self.labels_neg


class NodeRevision(models.Model):
    """A snapshot of a node's text at one version. Nothing an expert wrote is lost."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    text = models.TextField()
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["node", "version"], name="revision_unique_version")
        ]
        ordering = ["node", "version"]

    def __str__(self) -> str:
        return f"node {self.node_id} v{self.version}"
