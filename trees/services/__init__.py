"""The only write path. Each service owns its transaction, keeps counters and revisions,
and schedules its realtime event after commit. Permissions are checked by the callers."""
