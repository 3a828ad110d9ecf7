from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    """Campaign roles, lowest first: each role can do what the ones below it can."""

    EXPERT = "expert", "Expert"
    REVIEWER = "reviewer", "Reviewer"
    LEAD = "lead", "Data lead"
    ADMIN = "admin", "Admin"


ROLE_RANK = {Role.EXPERT: 1, Role.REVIEWER: 2, Role.LEAD: 3, Role.ADMIN: 4}


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        ACTIVE = "active"
        PAUSED = "paused"
        ARCHIVED = "archived"

    class LabelScheme(models.TextChoices):
        TERNARY = "ternary", "Ternary (+1 / 0 / -1)"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    guidelines = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    label_scheme = models.CharField(
        max_length=16, choices=LabelScheme.choices, default=LabelScheme.TERNARY
    )
    overlap = models.PositiveSmallIntegerField(default=1, help_text="Experts per problem.")
    # PROTECT: a profile a campaign runs on cannot vanish from under it (the profile service
    # refuses with a reason first; this keeps any other path from moving the campaign to the
    # demo model silently).
    default_model_profile = models.ForeignKey(
        "trees.ModelProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    problem_count = models.PositiveIntegerField(default=0)
    # The step DAG: steps whose embeddings are at least this cosine-similar share a cluster,
    # when their depths differ by at most the band.
    cluster_threshold = models.FloatField(default=0.75)
    cluster_depth_band = models.PositiveSmallIntegerField(default=0)
    # How step text is read. Off (the default), `$…$` is math only by Pandoc's rule (no space
    # inside the dollars, no digit after the closing one), so "$3 each and $1.50" stays money;
    # on, every `$…$` pair is math, for campaigns whose text never mentions currency.
    dollar_math = models.BooleanField(default=False)
    # Answer extraction: off (the default), a step is an answer only when it states one
    # (`#### x`, `A: x`, `\boxed{}`, "the answer is x"); on, the last number of a final step
    # counts too. Off keeps truncated model output from being graded as an answer.
    last_number_answers = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.EXPERT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "campaign"], name="membership_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.campaign} as {self.role}"


class Problem(models.Model):
    class AnswerType(models.TextChoices):
        NUMERIC = "numeric"
        EXPRESSION = "expression"
        CHOICE = "choice"
        TEXT = "text"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="problems")
    external_id = models.CharField(max_length=200)
    statement = models.TextField()
    reference_answer = models.TextField(blank=True)
    reference_solution = models.TextField(blank=True)
    answer_type = models.CharField(
        max_length=16, choices=AnswerType.choices, default=AnswerType.NUMERIC
    )
    subject = models.CharField(max_length=100, blank=True)
    difficulty = models.CharField(max_length=50, blank=True)
    source = models.CharField(max_length=50, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    import_job = models.ForeignKey(
        "trees.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "external_id"], name="problem_unique_external_id"
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "subject"], name="problem_campaign_subject"),
            models.Index(fields=["campaign", "difficulty"], name="problem_campaign_difficulty"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.external_id}: {self.statement[:60]}"


class Assignment(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned"
        IN_PROGRESS = "in_progress"
        SUBMITTED = "submitted"
        SKIPPED = "skipped"

    OPEN = (Status.ASSIGNED, Status.IN_PROGRESS)

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ASSIGNED)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["problem", "expert"], name="assignment_unique_expert")
        ]
        indexes = [models.Index(fields=["expert", "status", "id"], name="assignment_queue")]

    def __str__(self) -> str:
        return f"{self.problem_id} -> {self.expert_id} ({self.status})"
