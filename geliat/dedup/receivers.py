"""Every new registration's person gets its likely duplicates found at once."""

import logging

from django.db import transaction
from django.dispatch import receiver

from geliat.dedup.services import registrations_candidates_find
from geliat.registry.signals import registrations_created

logger = logging.getLogger(__name__)


@receiver(registrations_created)
def find_candidates_at_entry(sender, registration_ids, **kwargs):
    # A registration matters more than its duplicate check: should the check fail, the
    # registration still goes through (in a savepoint the failure rolls back alone) and
    # the next run finds its matches.
    try:
        with transaction.atomic():
            registrations_candidates_find(registration_ids=registration_ids)
    except Exception:
        logger.exception("duplicate check at entry failed for %d registrations", len(registration_ids))
