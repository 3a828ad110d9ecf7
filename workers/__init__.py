"""Background work: Celery tasks, the dispatcher that runs them in either mode, model backends."""
