"""Governance without Qt: usage rules (and, later, roles, audit trail, privacy guard)."""
