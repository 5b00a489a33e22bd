from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``?page=N``, page size from ``REST_FRAMEWORK["PAGE_SIZE"]``, errors in Indonesian."""

    invalid_page_message = _("Halaman tidak ada. Mulai dari ?page=1.")
    page_query_description = _("Nomor halaman, mulai dari 1.")
