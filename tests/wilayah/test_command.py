"""``geliat wilayah load`` and ``geliat wilayah find`` as an operator sees them."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from geliat.wilayah.models import Region


def run(*args) -> str:
    out = StringIO()
    call_command("wilayah", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_load_prints_counts_and_time_then_no_change():
    first = run("load", "--only", "35.14")
    assert first.startswith("391 baru, 0 diubah, 0 tetap, 5 alias baru (")
    assert "detik)" in first
    assert "Tidak ada perubahan" not in first
    second = run("load", "--only", "35.14")
    assert second.startswith("0 baru, 0 diubah, 391 tetap, 0 alias baru")
    assert "Tidak ada perubahan: wilayah sudah sesuai dengan berkas." in second
    assert Region.objects.count() == 391


@pytest.mark.django_db
def test_load_from_a_file(pasuruan_rows, write_table):
    output = run("load", "--file", str(write_table(pasuruan_rows)))
    assert output.startswith("391 baru")


@pytest.mark.django_db
def test_load_errors_become_command_errors_in_indonesian(tmp_path):
    with pytest.raises(CommandError, match="Kode wilayah 99 tidak ada di berkas"):
        run("load", "--only", "99")
    with pytest.raises(CommandError, match="tidak dapat dibaca"):
        run("load", "--file", str(tmp_path / "hilang.csv"))


def test_find_prints_code_label_parent_and_old_spelling(regions):
    output = run("find", "oro oro puleh", "--level", "desa")
    assert output == "35.14.06.2001\tDesa Oro-Oro Pule, Kecamatan Kejayan\t(ejaan lama: Oro Oro Puleh)\n"


def test_find_lists_every_match_within_a_region(regions):
    lines = run("find", "Kalirejo", "--within", "35.14").splitlines()
    assert [line.split("\t")[0] for line in lines] == [
        "35.14.09.2014", "35.14.14.1014", "35.14.16.2020", "35.14.18.2012"
    ]


def test_find_says_when_nothing_matches(regions):
    assert run("find", "Atlantis") == 'Tidak ada wilayah yang cocok dengan "Atlantis".\n'
