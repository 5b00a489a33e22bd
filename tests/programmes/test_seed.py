"""The example programmes of 2020–2021, seeded once with their rules."""

from django.core.management import call_command

from geliat.programmes.models import Programme
from geliat.programmes.services import programmes_seed


def test_the_seed_adds_the_real_programmes_once(db):
    """BPUM 2020/2021 with their amounts and exclusions, KUR, LPDB, Mekaar, Prakerja, BLT Dana Desa; a second run adds nothing."""
    first = programmes_seed()
    assert first["created"] == Programme.objects.count() >= 14
    assert programmes_seed() == {"created": 0, "existing": first["created"]}
    bpum_2020, bpum_2021 = Programme.objects.get(code="bpum-2020"), Programme.objects.get(code="bpum-2021")
    assert (bpum_2020.benefit_amount, bpum_2021.benefit_amount) == (2_400_000, 1_200_000)
    excluded = next(c for c in bpum_2020.rules["conditions"] if c["field"] == "excluded_by")["value"]
    assert set(excluded) == {"asn", "tni", "polri", "bumn_bumd", "kur_debtor"}
    assert {"kur-2020", "lpdb-2020", "pnm-mekaar", "prakerja-2020", "blt-dana-desa-2020"} <= set(Programme.objects.values_list("code", flat=True))
    assert Programme.objects.get(code="prakerja-2020").overlap_class == Programme.objects.get(code="blt-dana-desa-2020").overlap_class
    training = Programme.objects.get(code="pelatihan-keamanan-pangan")
    assert set(training.agencies.values_list("code", flat=True)) == {"dinkes", "dkpp"}


def test_the_seed_leaves_a_programme_the_regency_edited(db):
    """Running the seed again does not overwrite what was changed since."""
    programmes_seed()
    Programme.objects.filter(code="bpum-2021").update(quota=1234)
    programmes_seed()
    assert Programme.objects.get(code="bpum-2021").quota == 1234


def test_the_command_reports_what_it_did(db, capsys):
    """``geliat programmes_seed`` prints how many were created."""
    call_command("programmes_seed")
    assert "14 ditambahkan" in capsys.readouterr().out
    call_command("programmes_seed")
    assert "0 ditambahkan, 14 sudah ada" in capsys.readouterr().out
