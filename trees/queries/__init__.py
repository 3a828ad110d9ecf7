"""Read helpers beside the services: scoped querysets and whole-object reads, each a fixed
number of queries, so views, consumers and workers never grow their own N+1.

One module per area; `from trees.queries import X` keeps working for every name below.
"""

from __future__ import annotations

from trees.queries.access import (
    User,
    campaigns_for,
    get_campaign_for,
    get_node_for,
    get_role,
    jobs_for,
    problems_for,
    require_owner_or_role,
    require_role,
)
from trees.queries.nodes import (
    NODE_COLUMNS,
    SCALAR_COLUMNS,
    get_path,
    get_tree_payload,
    node_dict,
    node_to_dict,
    node_with_my_label,
    without_deleted_subtrees,
)
from trees.queries.profiles import get_model_profile, list_model_profiles

__all__ = [
    "NODE_COLUMNS",
    "SCALAR_COLUMNS",
    "User",
    "campaigns_for",
    "get_campaign_for",
    "get_model_profile",
    "get_node_for",
    "get_path",
    "get_role",
    "get_tree_payload",
    "jobs_for",
    "list_model_profiles",
    "node_dict",
    "node_to_dict",
    "node_with_my_label",
    "problems_for",
    "require_owner_or_role",
    "require_role",
    "without_deleted_subtrees",
]
