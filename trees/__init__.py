"""Arbor's domain: campaigns, problems, reasoning trees, labels, jobs and exports."""
