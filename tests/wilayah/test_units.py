"""Units below desa: created on demand with ordered codes, and resolved without writing."""

import pytest
from django.core.exceptions import ValidationError

from geliat.audit.models import AuditEvent
from geliat.wilayah.models import Level, Region
from geliat.wilayah.selectors import unit_resolve
from geliat.wilayah.services import unit_get_or_create


def test_dusun_rw_and_rt_are_created_under_the_desa(desa):
    rt = unit_get_or_create(desa=desa, dusun="Krajan", rw="RW 02", rt="003")
    assert rt.code == "35.14.01.2001.D01.RW002.RT003"
    assert (rt.level, rt.name) == (Level.RT, "RT 003")
    rw = rt.parent
    assert (rw.code, rw.level, rw.name) == ("35.14.01.2001.D01.RW002", Level.RW, "RW 002")
    dusun = rw.parent
    assert (dusun.level, dusun.label, dusun.parent_id) == (Level.DUSUN, "Dusun Krajan", desa.code)


def test_asking_again_returns_the_same_unit_without_new_rows(desa):
    first = unit_get_or_create(desa=desa, dusun="Krajan", rw=2, rt=3)
    count = Region.objects.count()
    again = unit_get_or_create(desa=desa, dusun="dusun KRAJAN", rw="02", rt=" 3 ")
    assert again == first
    assert Region.objects.count() == count


def test_each_new_dusun_takes_the_next_number(desa):
    krajan = unit_get_or_create(desa=desa, dusun="Krajan")
    sumber = unit_get_or_create(desa=desa, dusun="Dsn. Sumber")
    assert (krajan.code, sumber.code) == (f"{desa.code}.D01", f"{desa.code}.D02")
    assert sumber.name == "Sumber"
    assert unit_get_or_create(desa=desa, dusun="Sumber") == sumber


def test_a_dusun_given_as_a_number_uses_that_number(desa):
    assert unit_get_or_create(desa=desa, dusun="3").code == f"{desa.code}.D03"
    assert unit_get_or_create(desa=desa, dusun="Dusun 3").code == f"{desa.code}.D03"


def test_rw_without_dusun_hangs_off_the_desa(desa):
    assert unit_get_or_create(desa=desa, rw=4).code == f"{desa.code}.RW004"


def test_rw_without_dusun_reuses_the_rw_already_under_a_dusun(desa):
    """RW numbers run through the whole desa: RW 1 of Dusun Krajan is the desa's RW 1."""
    under_dusun = unit_get_or_create(desa=desa, dusun="Krajan", rw=1)
    assert unit_get_or_create(desa=desa, rw=1) == under_dusun
    assert unit_get_or_create(desa=desa, rw=1, rt=7).parent == under_dusun


def test_blank_parts_are_left_out(desa):
    assert unit_get_or_create(desa=desa) == desa
    assert unit_get_or_create(desa=desa, dusun=" ", rw="", rt=None) == desa
    assert unit_get_or_create(desa=desa, dusun="-", rw="-", rt="-") == desa


def test_a_kelurahan_has_no_dusun(kelurahan):
    with pytest.raises(ValidationError, match="Kelurahan Kalirejo tidak memiliki dusun; kosongkan isian Dusun"):
        unit_get_or_create(desa=kelurahan, dusun="Krajan", rw=1)
    assert not Region.objects.filter(code__startswith=kelurahan.code + ".").exists()
    # RW and RT are fine in a kelurahan.
    assert unit_get_or_create(desa=kelurahan, rw=1, rt=2).code == f"{kelurahan.code}.RW001.RT002"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rw": "abc"}, 'Nomor RW "abc" tidak dikenali'),
        ({"rw": 0}, 'Nomor RW "0" tidak dikenali'),
        ({"rw": 1, "rt": "1000"}, 'Nomor RT "1000" tidak dikenali'),
        ({"rt": 5}, "RT selalu berada di bawah RW; isi juga nomor RW"),
        ({"dusun": "120"}, "Nomor dusun harus 1 sampai 99"),
    ],
)
def test_unusable_numbers_are_refused_in_indonesian(desa, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        unit_get_or_create(desa=desa, **kwargs)
    assert not Region.objects.filter(code__startswith=desa.code + ".").exists()


def test_units_go_only_under_a_desa(regions):
    with pytest.raises(ValidationError, match="hanya ada di bawah desa/kelurahan"):
        unit_get_or_create(desa=regions.get(code="35.14.01"), rw=1)


def test_each_created_unit_is_audited_once(desa, django_user_model):
    officer = django_user_model.objects.create_user("petugas", region=desa)
    unit_get_or_create(desa=desa, dusun="Krajan", rw=1, rt=1, actor=officer)
    unit_get_or_create(desa=desa, dusun="Krajan", rw=1, rt=1, actor=officer)
    events = AuditEvent.objects.filter(action="create", object_type="wilayah.region")
    assert sorted(events.values_list("object_id", flat=True)) == [
        f"{desa.code}.D01",
        f"{desa.code}.D01.RW001",
        f"{desa.code}.D01.RW001.RT001",
    ]
    assert {e.actor for e in events} == {officer}
    assert all(e.region_code == e.object_id for e in events)


def test_resolve_finds_the_deepest_existing_unit(desa):
    rt = unit_get_or_create(desa=desa, dusun="Krajan", rw=2, rt=3)
    assert unit_resolve(desa=desa, rw="002", rt="3") == rt
    assert unit_resolve(desa=desa, rw=2, rt=9) == rt.parent
    assert unit_resolve(desa=desa, rw=5, rt=3) == desa
    assert unit_resolve(desa=desa, rw="", rt="") == desa
    assert unit_resolve(desa=desa, rw=None, rt=3) == desa


def test_resolve_never_creates(desa):
    count = Region.objects.count()
    assert unit_resolve(desa=desa, rw=1, rt=1) == desa
    assert Region.objects.count() == count
