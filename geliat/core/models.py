"""Abstract models every app's records share."""

from django.conf import settings
from django.db import models


class Stamped(models.Model):
    """When and by whom a record was made and last changed, and its version."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Bumped by every service write: a stale form is refused instead of overwriting.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
