"""Inference without Qt: model catalog and verification, the worker process and its client."""
