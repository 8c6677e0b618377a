"""The planner app: a local web application over a workspace of the city's data (``planner app``).

Rooms, lowest first: ``store`` (the workspace: SQLite history of edits,
scenarios, export of the edited city), ``edits`` (edit operations checked by
the CLI's validation), ``scenarios`` (form ↔ scenario TOML), ``runs`` and
``worker`` (solves in a background process, cached per data version and
scenario), ``results`` (what the Results screen shows), ``routing`` (drawn routes along
the roads), ``security`` (access
token, write header, size limits), ``context``, ``api_data``, ``api_runs`` and
``server`` (the FastAPI application and ``serve``).  See ``docs/app.md``.

Nothing is imported here, so that the solve worker (``python -m planner.app.worker``)
starts without the web framework.
"""
