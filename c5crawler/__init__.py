"""c5crawler: a searchable, revision-aware archive of diplomacy reporting."""

__version__ = "0.1.0"
