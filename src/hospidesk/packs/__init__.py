"""Prompt packs: a job's library of tasks, their fields, instructions and Word templates."""
