from django.http import HttpResponse


def healthz(request):
    """Liveness probe for load balancers; also the trivial baseline in bench/."""
    return HttpResponse("ok", content_type="text/plain")
