"""Job bodies, one module per kind of job: load the rows, ask the pure core what to do, call
the model through workers.client, store through services. Tasks (workers.tasks) call these;
these never call tasks."""
