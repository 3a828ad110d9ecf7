"""Small factories that build state through the services, as a user would."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from trees.models import Campaign, Node, Problem, Tree
from trees.services.campaigns import do_add_member, do_create_campaign
from trees.services.imports import do_import_problems
from trees.services.nodes import do_add_child_step

User = get_user_model()


def make_user(username: str, **fields: Any) -> Any:
    return User.objects.create_user(username, password="pw-" + username, **fields)


def make_campaign(admin: Any, slug: str = "pilot", **members: str) -> Campaign:
    """A campaign administered by `admin`; `members` maps usernames to roles."""
    campaign = do_create_campaign(slug.title(), slug, created_by=admin)
    for username, role in members.items():
        do_add_member(campaign, User.objects.get(username=username), role)
    return campaign


def make_problem(
    campaign: Campaign, statement: str = "What is 2 + 3?", answer: str = "5"
) -> Problem:
    """One problem with a bare tree (root only), imported the way users import."""
    import json

    external_id = f"p{Problem.objects.filter(campaign=campaign).count() + 1}"
    line = json.dumps({"id": external_id, "question": statement, "answer": answer, "solutions": []})
    outcome = do_import_problems(campaign, "solutions", [line])
    assert outcome.imported == 1, outcome.errors
    return Problem.objects.get(campaign=campaign, external_id=external_id)


def root_of(problem: Problem) -> Node:
    return Node.objects.get(tree__problem=problem, parent__isnull=True)


def make_tree(campaign: Campaign, depth: int = 3, width: int = 2, author: Any = None) -> Tree:
    """A complete tree of the given depth and width below a fresh problem's root."""
    problem = make_problem(campaign)
    frontier = [root_of(problem)]
    for level in range(1, depth + 1):
        next_frontier = []
        for parent in frontier:
            for branch in range(width):
                next_frontier.append(
                    do_add_child_step(parent, f"step {level}.{branch} below {parent.pk}", author)
                )
        frontier = next_frontier
    return Tree.objects.get(problem=problem)
