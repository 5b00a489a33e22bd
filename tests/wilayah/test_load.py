"""Loading the Kemendagri reference table: counts, idempotence, updates, aliases, audit."""

import pytest
from django.core.exceptions import ValidationError

from geliat.audit.models import AuditEvent
from geliat.wilayah.models import Level, Region, RegionAlias
from geliat.wilayah.services import regions_load, unit_get_or_create


def test_regency_load_has_its_24_kecamatan_and_365_desa(regions):
    """Loading 35.14 brings its provinsi, the kabupaten, 24 kecamatan and 365 desa/kelurahan."""
    inside = Region.objects.filter(code__startswith="35.14.")
    assert Region.objects.filter(code="35", level=Level.PROVINSI).exists()
    assert Region.objects.get(code="35.14").name == "Kabupaten Pasuruan"
    assert inside.filter(level=Level.KECAMATAN).count() == 24
    desa = inside.filter(level=Level.DESA)
    assert desa.count() == 365
    assert sum(d.is_kelurahan for d in desa) == 24
    assert Region.objects.count() == 391
    # Nothing outside the regency and its ancestors.
    assert not Region.objects.filter(code__startswith="35.73").exists()


@pytest.mark.django_db
def test_full_table_loads_every_row_then_a_reload_changes_nothing():
    """All of Indonesia: 91,599 rows; loading it again reports no change and writes none."""
    first = regions_load()
    assert (first.created, first.updated, first.unchanged) == (91_599, 0, 0)
    assert Region.objects.count() == 91_599
    counts = {level: Region.objects.filter(level=level).count() for level in Level}
    assert counts[Level.PROVINSI] == 38
    assert counts[Level.KABUPATEN] == 514
    assert counts[Level.KECAMATAN] == 7_285
    assert counts[Level.DESA] == 83_762
    assert first.aliases == 5
    # Names with commas survive the CSV quoting.
    assert Region.objects.get(code="12.07.28.1007").name == "Lubuk Pakam I,II"

    again = regions_load()
    assert (again.created, again.updated, again.unchanged, again.aliases) == (0, 0, 91_599, 0)
    assert not again.changed


def test_reload_of_the_regency_is_idempotent(regions):
    """A second load of 35.14 creates and updates nothing and says so."""
    result = regions_load(only="35.14")
    assert (result.created, result.updated, result.unchanged, result.aliases) == (0, 0, 391, 0)
    assert not result.changed
    assert Region.objects.count() == 391
    assert RegionAlias.objects.count() == 5


def test_a_renamed_region_is_updated_and_findable_by_its_new_name(db, pasuruan_rows, write_table):
    """A new edition's spelling replaces the stored name (and the search key follows)."""
    regions_load(path=write_table(pasuruan_rows))
    renamed = [
        [code, "Gerbo Baru" if code == "35.14.01.2001" else name, level, parent]
        for code, name, level, parent in pasuruan_rows
    ]
    result = regions_load(path=write_table(renamed, name="edisi-baru.csv"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 390)
    gerbo = Region.objects.get(code="35.14.01.2001")
    assert (gerbo.name, gerbo.name_key) == ("Gerbo Baru", "gerbobaru")


def test_a_new_desa_in_a_later_edition_is_added(regions, pasuruan_rows, write_table):
    rows = [*pasuruan_rows, ["35.14.01.2099", "Desa Pemekaran", "desa", "35.14.01"]]
    result = regions_load(path=write_table(rows))
    assert (result.created, result.updated) == (1, 0)
    assert Region.objects.get(code="35.14.01.2099").parent_id == "35.14.01"


def test_a_file_of_one_kabupaten_loads_when_its_provinsi_is_stored(regions, pasuruan_rows, write_table):
    """The shipped Pasuruan file starts at the kabupaten; its parent must already be stored."""
    without_provinsi = write_table(pasuruan_rows[1:])
    assert regions_load(path=without_provinsi).unchanged == 390


@pytest.mark.django_db
def test_a_file_whose_parents_are_missing_is_refused(pasuruan_rows, write_table):
    with pytest.raises(ValidationError, match="Induk wilayah 35 belum ada"):
        regions_load(path=write_table(pasuruan_rows[1:]))
    assert not Region.objects.exists()


def test_old_spellings_are_stored_as_aliases(regions):
    """The five pre-2025 spellings from SOURCES.md point at today's desa."""
    aliases = {a.name: a.region_id for a in RegionAlias.objects.all()}
    assert aliases == {
        "Oro Oro Puleh": "35.14.06.2001",
        "Ambal Ambil": "35.14.06.2009",
        "Tundosuro": "35.14.06.2021",
        "Oro-Orobulu": "35.14.15.2010",
        "Patuguhan": "35.14.23.2013",
    }
    assert set(RegionAlias.objects.values_list("note", flat=True)) == {"ejaan sebelum Kepmendagri 2025"}


def test_each_load_writes_one_audit_event(regions):
    before = AuditEvent.objects.filter(action="load").count()
    regions_load(only="35.14.01")
    events = AuditEvent.objects.filter(action="load")
    assert events.count() == before + 1
    event = events.first()
    assert event.actor_label == "sistem"
    assert event.region_code == "35.14.01"
    assert event.after == {"created": 0, "updated": 0, "unchanged": 16, "aliases": 0}


def test_reloading_leaves_units_below_desa_alone(desa):
    """Dusun, RW and RT a desa created survive a reload untouched."""
    rt = unit_get_or_create(desa=desa, dusun="Krajan", rw=2, rt=5)
    Region.objects.filter(code=rt.parent_id).update(name="RW Dua")
    result = regions_load(only="35.14")
    assert not result.changed
    assert Region.objects.get(code=rt.code).parent_id == "35.14.01.2001.D01.RW002"
    assert Region.objects.get(code=rt.parent_id).name == "RW Dua"
    assert Region.objects.filter(code__startswith=desa.code + ".").count() == 3


def test_a_load_that_fails_writes_nothing(db, pasuruan_rows, write_table):
    """A bad row anywhere stops the load before any region is written."""
    rows = [*pasuruan_rows, ["35.14.01.2099", "Baru", "kecamatan", "35.14.01"]]
    with pytest.raises(ValidationError):
        regions_load(path=write_table(rows))
    assert not Region.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        ([["35", "Jawa Timur", "provinsi", ""]], ["kode", "nama"], "berkolom code,name,level,parent_code"),
        ([["35", "Jawa Timur", "provinsi"]], None, "Baris 2: harus ada 4 kolom"),
        ([["35", "Jawa Timur", "propinsi", ""]], None, 'Baris 2: kode 35 tidak cocok dengan tingkat "propinsi"'),
        ([["35.14", "Pasuruan", "kabupaten", "36"]], None, "Baris 2: kode induk 36 harus kode 35.14"),
        ([["35", "Jawa Timur", "provinsi", ""], ["35", "Jatim", "provinsi", ""]], None, "Baris 3: kode 35 tertulis dua kali"),
        ([["35", "", "provinsi", ""]], None, "Baris 2: nama wilayah 35 kosong"),
    ],
)
def test_malformed_files_are_refused_with_the_line_and_the_fix(db, write_table, rows, header, message):
    path = write_table(rows, header=header or ["code", "name", "level", "parent_code"])
    with pytest.raises(ValidationError, match=message):
        regions_load(path=path)


def test_gzipped_custom_files_are_read_and_only_limits_to_one_kecamatan(db, pasuruan_rows, write_table):
    """--only a kecamatan: it, its desa and its ancestors; not its neighbours."""
    result = regions_load(path=write_table(pasuruan_rows, name="wilayah.csv.gz"), only="35.14.24")
    codes = set(Region.objects.values_list("code", flat=True))
    assert {"35", "35.14", "35.14.24", "35.14.24.2001"} <= codes
    assert "35.14.01" not in codes
    assert result.created == len(codes) == 3 + Region.objects.filter(parent_id="35.14.24").count()


def test_unknown_only_code_and_missing_file_are_explained(db, tmp_path):
    with pytest.raises(ValidationError, match="Kode wilayah 99.99 tidak ada di berkas"):
        regions_load(only="99.99")
    with pytest.raises(ValidationError, match="tidak dapat dibaca"):
        regions_load(path=tmp_path / "tidak-ada.csv")


def test_reload_issues_a_bounded_number_of_queries(regions, django_assert_max_num_queries):
    """Comparing before writing: an unchanged reload is a handful of reads, not one per row."""
    with django_assert_max_num_queries(8):
        regions_load(only="35.14")
