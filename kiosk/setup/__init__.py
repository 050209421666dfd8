"""Preparing the event: one validator per field, the import format, the event's settings and pictures, the
golden-key cards, the sample ceremony."""
