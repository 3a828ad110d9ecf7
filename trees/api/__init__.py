"""The REST API at /api/v1/: thin DRF views over trees.queries (reads) and trees.services
(writes). No business logic here."""
