"""The use cases shared by the CLI and the window, free of Qt.

``Workspace`` (workspace.py) is the context of one user: paths, policy, settings, audit trail,
catalog, packs and the server router. The use cases are functions taking it, one module per
concern: session (start, usage rules, settings), backends (which model, verified, in memory;
the servers), request (every check before the model), drafting (``run_draft``: the whole
sequence, once), routing (server or local model), export, records (history, autosave and
recovery), usage (measured benefit), library (packs) and diagnostics (``hospidesk doctor``).
"""
