"""The region picker: public option endpoints, the cascade, and the form field."""

import re

import pytest
from django import forms
from django.urls import reverse

from geliat.wilayah.forms import RegionPickerField
from geliat.wilayah.models import Level, Region
from geliat.wilayah.services import regions_load, unit_get_or_create


def option_values(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"', html)


class DesaForm(forms.Form):
    region = RegionPickerField(label="Desa/kelurahan")


class UnitForm(forms.Form):
    region = RegionPickerField(label="Wilayah", min_level=Level.KECAMATAN, max_level=Level.RT, required=False)


def test_children_lists_the_desa_of_a_kecamatan(client, regions):
    response = client.get(reverse("wilayah:children"), {"parent": "35.14.01", "level": "desa"})
    assert response.status_code == 200
    html = response.content.decode()
    values = option_values(html)
    assert values[0] == ""
    assert set(values[1:]) == set(regions.filter(parent_id="35.14.01").values_list("code", flat=True))
    assert "— pilih desa/kelurahan —" in html
    assert ">Desa Gerbo<" in html


def test_children_refills_deeper_selects_out_of_band(client, desa):
    """A new desa resets dusun and RT and lists the desa's RWs (with or without dusun)."""
    rw = unit_get_or_create(desa=desa, dusun="Krajan", rw=1)
    response = client.get(
        reverse("wilayah:children"),
        {"region_desa": desa.code, "from": "region_desa", "level": "dusun", "picker": "id_region", "deepest": "rt"},
    )
    html = response.content.decode()
    main, *oob = re.split(r'<select id="', html)
    assert option_values(main) == ["", rw.parent_id]
    oob_ids = [chunk.split('"')[0] for chunk in oob]
    assert oob_ids == ["id_region_rw", "id_region_rt"]
    assert 'hx-swap-oob="innerHTML"' in html
    assert option_values(oob[0]) == ["", rw.code]
    assert option_values(oob[1]) == [""]


def test_children_outside_the_regency_are_not_listed(client, regions):
    regions_load(only="35.73")
    response = client.get(reverse("wilayah:children"), {"parent": "35.73.01", "level": "desa"})
    assert option_values(response.content.decode()) == [""]


def test_children_with_an_unknown_level_is_a_clear_400(client, regions):
    response = client.get(reverse("wilayah:children"), {"parent": "35.14.01", "level": "provinsi"})
    assert response.status_code == 400
    assert "Tingkat wilayah tidak dikenal" in response.content.decode()


@pytest.mark.parametrize("extra", [{"deepest": "kabupaten"}, {"deepest": "kecamatan"}, {"picker": "<script>"}])
def test_children_ignores_odd_picker_parameters(client, regions, extra):
    """Only the requested list comes back; nothing is echoed from a malformed picker id."""
    params = {"parent": "35.14.01", "level": "desa", "picker": "id_region", "deepest": "rt", **extra}
    html = client.get(reverse("wilayah:children"), params).content.decode()
    assert "hx-swap-oob" not in html
    assert "<script>" not in html
    assert len(option_values(html)) == 1 + 13


def test_search_endpoint_finds_desa_by_old_spelling_within_the_regency(client, regions):
    response = client.get(reverse("wilayah:search"), {"region_q": "oro oro puleh", "from": "region_q"})
    html = response.content.decode()
    assert option_values(html) == ["", "35.14.06.2001"]
    assert "Desa Oro-Oro Pule, Kecamatan Kejayan" in html
    assert "dulu Oro Oro Puleh" in html


def test_search_endpoint_needs_two_letters_and_caps_results(client, regions):
    short = client.get(reverse("wilayah:search"), {"q": "o"}).content.decode()
    assert option_values(short) == [""] and "2 huruf" in short
    many = client.get(reverse("wilayah:search"), {"q": "an"}).content.decode()
    assert len(option_values(many)) == 1 + 20


def test_search_endpoint_stays_inside_the_regency(client, regions):
    regions_load(only="35.73")  # Kota Malang, with its own desa and kelurahan
    outside = Region.objects.filter(code__startswith="35.73.", level=Level.DESA).first()
    html = client.get(reverse("wilayah:search"), {"q": outside.name}).content.decode()
    assert outside.code not in option_values(html)


def test_picker_endpoint_renders_the_cascade_for_a_search_hit(client, regions):
    response = client.get(
        reverse("wilayah:picker"),
        {"name": "region", "id": "id_region", "deepest": "desa", "region_found": "35.14.06.2001", "from": "region_found"},
    )
    html = response.content.decode()
    assert '<option value="35.14.06" selected>' in html
    assert '<option value="35.14.06.2001" selected>' in html


@pytest.mark.parametrize("params", [{"name": "a b", "id": "x"}, {"name": "region", "id": "<x>"}, {"name": "region", "id": "x", "deepest": "kabupaten"}])
def test_picker_endpoint_refuses_odd_parameters(client, regions, params):
    assert client.get(reverse("wilayah:picker"), params).status_code == 400


def test_field_cleans_the_chosen_desa(regions):
    form = DesaForm({"region_kecamatan": "35.14.01", "region_desa": "35.14.01.2001"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"] == Region.objects.get(code="35.14.01.2001")


def test_field_accepts_a_posted_code(regions):
    form = DesaForm({"region": "35.14.14.1014"})
    assert form.is_valid()
    assert form.cleaned_data["region"].label == "Kelurahan Kalirejo"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Pilih wilayah sampai tingkat desa/kelurahan."),
        ({"region_kecamatan": "35.14.01"}, "Pilih juga desa/kelurahan di Kecamatan Purwodadi."),
        ({"region": "35.14.01.9999"}, "Kode wilayah 35.14.01.9999 tidak dikenal; pilih wilayah dari daftar."),
    ],
)
def test_field_errors_are_in_indonesian(regions, data, message):
    form = DesaForm(data)
    assert not form.is_valid()
    assert form.errors["region"] == [message]


def test_a_region_outside_the_regency_is_refused(regions):
    regions_load(only="35.73")
    form = DesaForm({"region": "35.73.01.1001"})
    assert not form.is_valid()
    [message] = form.errors["region"]
    assert message.endswith("berada di luar Kabupaten Pasuruan; pilih wilayah di Kabupaten Pasuruan.")


def test_a_desa_left_over_from_another_kecamatan_is_not_taken(regions):
    """Without JavaScript the desa list is stale after changing kecamatan: ask again."""
    form = DesaForm({"region_kecamatan": "35.14.02", "region_desa": "35.14.01.2001"})
    assert not form.is_valid()
    assert form.errors["region"] == ["Pilih juga desa/kelurahan di Kecamatan Tutur."]


def test_rejected_form_keeps_the_choice_and_lists_the_desa_without_javascript(regions):
    html = str(DesaForm({"region_kecamatan": "35.14.01"})["region"])
    assert '<option value="35.14.01" selected>' in html
    desa_select = html.split('name="region_desa"')[1].split("</select>")[0]
    assert set(option_values(desa_select)) == {"", *regions.filter(parent_id="35.14.01").values_list("code", flat=True)}
    assert 'name="region_dusun"' not in html  # the default picker stops at desa


def test_unbound_form_offers_only_the_kecamatan_of_the_regency(regions):
    html = str(DesaForm()["region"])
    kecamatan = html.split('name="region_kecamatan"')[1].split("</select>")[0]
    assert len(option_values(kecamatan)) == 1 + 24
    desa = html.split('name="region_desa"')[1].split("</select>")[0]
    assert option_values(desa) == [""]


def test_initial_region_is_shown_chosen(regions):
    html = str(DesaForm(initial={"region": Region.objects.get(code="35.14.06.2001")})["region"])
    assert '<option value="35.14.06" selected>' in html
    assert '<option value="35.14.06.2001" selected>' in html


def test_full_cascade_reaches_rt_and_cleans_to_the_deepest(desa):
    rt = unit_get_or_create(desa=desa, dusun="Krajan", rw=1, rt=2)
    data = {
        "region_kecamatan": "35.14.01",
        "region_desa": desa.code,
        "region_dusun": "",
        "region_rw": rt.parent_id,
        "region_rt": rt.code,
    }
    form = UnitForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"] == rt
    html = str(form["region"])
    for level in ("kecamatan", "desa", "dusun", "rw", "rt"):
        assert f'name="region_{level}"' in html
    assert f'<option value="{rt.code}" selected>' in html


def test_optional_picker_may_stay_empty_and_stop_at_kecamatan(regions):
    assert UnitForm({}).is_valid()
    form = UnitForm({"region_kecamatan": "35.14.01"})
    assert form.is_valid()
    assert form.cleaned_data["region"].code == "35.14.01"


def test_a_unit_deeper_than_the_field_allows_is_refused(desa):
    rw = unit_get_or_create(desa=desa, rw=1)
    form = DesaForm({"region": rw.code})
    assert not form.is_valid()
    assert form.errors["region"] == ["Pilih wilayah paling dalam sampai tingkat desa/kelurahan saja."]
