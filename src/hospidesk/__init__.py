"""HospiDesk: a local AI copilot for hospital administrative writing."""

__version__ = "0.1.0"
