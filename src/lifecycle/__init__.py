"""lifecycle: workflows and process maps for health plan and community care partnerships."""

__version__ = "0.1.0"
