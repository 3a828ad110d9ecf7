"""Tables and constraints of Arbor's domain (DESIGN section 3). No business logic here:
every write goes through trees.services."""

from __future__ import annotations

from trees.models.campaigns import Assignment, Campaign, Membership, Problem, Role
from trees.models.exports import ExportSchedule, LongThoughtRevision
from trees.models.jobs import Export, Job
from trees.models.labels import Critique, GoldLabel, LongThought, StepLabel, SuggestedLabel
from trees.models.profiles import ModelProfile
from trees.models.trees import Node, NodeRevision, Tree

__all__ = [
    "Assignment",
    "Campaign",
    "Critique",
    "Export",
    "ExportSchedule",
    "GoldLabel",
    "Job",
    "LongThought",
    "LongThoughtRevision",
    "Membership",
    "ModelProfile",
    "Node",
    "NodeRevision",
    "Problem",
    "Role",
    "StepLabel",
    "SuggestedLabel",
    "Tree",
]
