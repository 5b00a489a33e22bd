"""Signals the registry sends so that apps above it (verification, dedup) can react
without the registry importing them."""

from django.dispatch import Signal

# Sent inside the transaction that created registrations; ``registration_ids``: list[int],
# ``start_level``: where their verification starts (None: the first level that applies).
registrations_created = Signal()
