"""Scenarios: YAML with locations, extends/--set merging, the pydantic schema."""
