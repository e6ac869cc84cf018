"""Background work: the engine (engine.py), the worker (worker.py), the schedule (schedule.py)
and exports as jobs (exports.py). docs/operator.md, "Background jobs", says how to run it."""
