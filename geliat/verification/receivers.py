"""Every new registration enters verification at its first level."""

from django.dispatch import receiver

from geliat.registry.signals import registrations_created
from geliat.verification.services import verification_start


@receiver(registrations_created)
def start_verification(sender, registration_ids, start_level=None, **kwargs):
    verification_start(registration_ids=registration_ids, start_level=start_level)
