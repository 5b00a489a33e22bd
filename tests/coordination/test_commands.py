"""The coordination commands: seed the matrix, rebuild the figures, queue the monthly reports."""

import io

import pytest
from django.core.management import CommandError, call_command

from geliat.accounts.models import Agency
from geliat.coordination.models import Activity, AreaStat, ReportJob, StatsRun
from geliat.registry.models import AffectedGroup
from tests.coordination.conftest import GERBO, business_at


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_matrix_seed_loads_once_and_reads_another_copy_of_the_table(regions, tmp_path):
    """The shipped table gives 20 activities; a second run and a copy of the same table add nothing."""
    assert "20 kegiatan baru" in run("matrix_seed")
    copy = tmp_path / "SUMMARY.en.md"
    from geliat.coordination.seeds import ACTION_MATRIX

    copy.write_text("# The plan\n\nSome text.\n\n" + ACTION_MATRIX, encoding="utf-8")
    assert "0 kegiatan baru" in run("matrix_seed", "--source", str(copy))
    assert Activity.objects.count() == 20


def test_matrix_seed_reports_a_missing_file(regions, tmp_path):
    """A --source that cannot be read stops with a clear message."""
    with pytest.raises(CommandError, match="tidak dapat dibaca"):
        run("matrix_seed", "--source", str(tmp_path / "nowhere.md"))


def test_coordination_refresh_rebuilds_the_figures(regions):
    """The command rebuilds the summary: a new salon in Gerbo is counted, verified."""
    business_at(GERBO, group=AffectedGroup.SALON)

    assert run("coordination_refresh").startswith("Ringkasan koordinasi done:")

    stat = AreaStat.objects.get(desa_code=GERBO, affected_group=AffectedGroup.SALON)
    assert (stat.businesses, stat.verified, stat.kecamatan_code) == (1, 1, "35.14.01")
    assert StatsRun.objects.filter(status=StatsRun.Status.DONE).count() == 1


def test_coordination_reports_queues_the_regency_and_every_opd(matrix):
    """One report for the regency and one per OPD, for the month asked; all built (inline in tests)."""
    out = run("coordination_reports", "--month", "2026-04")

    assert f"{1 + Agency.objects.count()} reports queued for 2026-04" in out
    assert ReportJob.objects.filter(agency=None).count() == 1
    assert set(ReportJob.objects.values_list("status", flat=True)) == {ReportJob.Status.DONE}


def test_coordination_reports_refuses_a_bad_month(matrix):
    """A month not written as YYYY-MM is refused with an example."""
    with pytest.raises(CommandError, match="2026-05"):
        run("coordination_reports", "--month", "April")
