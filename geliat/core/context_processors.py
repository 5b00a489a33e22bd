from django.conf import settings


def geliat(request):
    """Values every page shows: the regency's code, for headers and pickers."""
    return {"GELIAT_REGENCY_CODE": settings.GELIAT_REGENCY_CODE}
