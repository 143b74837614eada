"""Extraction: persons, organisations, places, events and claims, each tied to its evidence span."""
