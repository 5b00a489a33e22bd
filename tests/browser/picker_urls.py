"""A bare page with a full-depth picker, for the browser test (the site's URLs stay available)."""

from django import forms
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from geliat.wilayah.forms import RegionPickerField
from geliat.wilayah.models import Level

PAGE = """{% extends "base.html" %}{% block content %}
<form method="get">{{ form.as_div }}<button type="submit">Kirim</button></form>
{% if form.is_valid %}<p data-testid="chosen">{{ form.cleaned_data.region.code }}</p>{% endif %}
{% endblock %}"""


class PickerForm(forms.Form):
    region = RegionPickerField(label="Wilayah", max_level=Level.RT)


def picker_page(request):
    form = PickerForm(request.GET or None)
    return HttpResponse(engines["django"].from_string(PAGE).render({"form": form}, request))


urlpatterns = [path("uji-pemilih/", picker_page), *site_urlpatterns]
