"""The import engine on generated files: outcomes, idempotence, history, scope, verification,
cancellation and rerun, dry run, and the reports."""

import csv
import datetime

import pytest
from openpyxl import load_workbook

from geliat.accounts.models import Role
from geliat.audit.models import AuditEvent
from geliat.imports import services
from geliat.imports.models import ExternalRecord, ImportJob
from geliat.imports.services import import_file, import_job_run
from geliat.registry.models import Business, Channel, Person, Registration
from geliat.verification.models import Decision, Verification
from geliat.wilayah.models import Region
from tests.factories import PersonFactory, UserFactory
from tests.imports.conftest import KOBO_HEADERS, OFFICE_HEADERS, office_row, valid_nik

GERBO = "35.14.01.2001"
DAMAGED_NIK = "3.51401E+15"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def desa_officer(regions):
    return UserFactory.at(GERBO)


@pytest.fixture
def coordinator(regions):
    return UserFactory.at("35.14", role=Role.COORDINATOR)


def report_lines(job: ImportJob) -> list[dict]:
    with open(job.report_csv.path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def counts(job: ImportJob) -> dict:
    return {name: getattr(job, name) for name in ("created", "updated", "linked", "unchanged", "rejected")}


def test_every_row_ends_in_exactly_one_outcome(desa_officer, office_csv):
    """Five good rows are created; a damaged NIK and a row without a name are rejected;
    accepted + rejected = rows read."""
    rows = [office_row(i) for i in range(1, 6)]
    rows += [office_row(6, NIK=DAMAGED_NIK), office_row(7, **{"Nama Lengkap": ""})]
    job = import_file(actor=desa_officer, path=office_csv(rows))

    assert job.status == ImportJob.Status.DONE
    assert counts(job) == {"created": 5, "updated": 0, "linked": 0, "unchanged": 0, "rejected": 2}
    assert job.accepted + job.rejected == job.processed == job.total_rows == 7
    assert Person.objects.count() == Business.objects.count() == 5
    assert set(Registration.objects.values_list("channel", flat=True)) == {Channel.IMPORT}
    assert set(Registration.objects.values_list("submitted_by", flat=True)) == {desa_officer.pk}


def test_records_land_in_the_rt_named_with_cleaned_values(desa_officer, office_csv):
    """RT 003 / RW 001 of Gerbo is added as a unit; NIK, phone, money, size and name key
    are stored as the registry's own forms would store them."""
    job = import_file(actor=desa_officer, path=office_csv([office_row(1)]))

    assert job.created == 1
    business = Business.objects.select_related("owner").get()
    person = business.owner
    assert business.region_id == person.region_id == f"{GERBO}.RW001.RT003"
    assert Region.objects.filter(code=f"{GERBO}.RW001.RT003", level="rt").exists()
    assert (person.rt, person.rw) == ("003", "001")
    assert person.nik == valid_nik(1)
    assert person.phone == "+6281234567890"
    assert person.birth_date == datetime.date(1980, 8, 17)
    assert person.name_key == "budisantoso1"
    assert (business.revenue_before, business.revenue_now) == (3_000_000, 750_000)
    assert business.created_by == desa_officer
    assert AuditEvent.objects.filter(object_type="registry.person", object_id=str(person.pk), action="create").exists()
    assert AuditEvent.objects.filter(object_type="wilayah.region", object_id=f"{GERBO}.RW001.RT003").exists()


def test_reimporting_the_same_file_creates_nothing(desa_officer, office_csv):
    path = office_csv([office_row(i) for i in range(1, 5)] + [office_row(9, NIK=DAMAGED_NIK)])
    import_file(actor=desa_officer, path=path)
    before = (Person.objects.count(), Business.objects.count(), Registration.objects.count(), Verification.objects.count())

    again = import_file(actor=desa_officer, path=path)

    assert counts(again) == {"created": 0, "updated": 0, "linked": 0, "unchanged": 4, "rejected": 1}
    after = (Person.objects.count(), Business.objects.count(), Registration.objects.count(), Verification.objects.count())
    assert after == before
    assert not AuditEvent.objects.filter(action="update", object_type__startswith="registry.").exists()


def test_a_changed_row_updates_the_record_with_before_and_after(desa_officer, office_csv):
    import_file(actor=desa_officer, path=office_csv([office_row(1), office_row(2)]))
    person = Person.objects.get(nik=valid_nik(1))
    business = person.businesses.get()

    changed = office_row(1, **{"No. HP/WA": "0857-1111-2222", "Omzet per bulan sekarang": "1,5 juta"})
    job = import_file(actor=desa_officer, path=office_csv([changed, office_row(2)], name="perubahan.csv"))

    assert counts(job) == {"created": 0, "updated": 1, "linked": 0, "unchanged": 1, "rejected": 0}
    person.refresh_from_db()
    business.refresh_from_db()
    assert person.phone == "+6285711112222" and person.version == 2
    assert business.revenue_now == 1_500_000 and business.version == 2
    person_event = AuditEvent.objects.get(object_type="registry.person", object_id=str(person.pk), action="update")
    assert person_event.before == {"phone": "+6281234567890"}
    assert person_event.after == {"phone": "+6285711112222"}
    assert person_event.actor == desa_officer
    business_event = AuditEvent.objects.get(object_type="registry.business", object_id=str(business.pk), action="update")
    assert business_event.before == {"revenue_now": 750_000}
    assert business_event.after == {"revenue_now": 1_500_000}
    assert report_lines(job)[0]["reasons"].startswith("Sudah terdaftar; diperbarui:")


def test_a_blank_cell_leaves_the_stored_value(desa_officer, office_csv):
    import_file(actor=desa_officer, path=office_csv([office_row(1)]))

    job = import_file(actor=desa_officer, path=office_csv([office_row(1, **{"No. HP/WA": ""})], name="kosong.csv"))

    assert job.unchanged == 1
    assert Person.objects.get().phone == "+6281234567890"


def test_a_nik_already_registered_is_linked_not_duplicated(desa_officer, office_csv):
    owner = PersonFactory(nik=valid_nik(1), full_name="Budi Santoso 1", birth_date=datetime.date(1980, 8, 17))

    job = import_file(actor=desa_officer, path=office_csv([office_row(1)]))

    assert counts(job)["linked"] == 1 and job.created == 0
    assert Person.objects.count() == 1
    assert Business.objects.get().owner == owner
    assert "NIK sudah terdaftar" in report_lines(job)[0]["reasons"]


def test_the_same_nik_twice_in_one_file_is_one_person(desa_officer, office_csv):
    rows = [
        office_row(1),
        office_row(1, **{"Nama Usaha": "Jahit Bu Sri", "Jenis Usaha": "konveksi"}),
        office_row(1),
    ]
    job = import_file(actor=desa_officer, path=office_csv(rows))

    assert counts(job) == {"created": 1, "updated": 0, "linked": 1, "unchanged": 1, "rejected": 0}
    assert Person.objects.count() == 1
    assert sorted(Business.objects.values_list("name", flat=True)) == ["Jahit Bu Sri", "Warung Bu Sri 1"]


def test_a_source_id_finds_the_business_even_renamed(desa_officer, office_csv):
    """A KoboToolbox export carries each submission's _uuid: exported again with the business
    renamed, the row updates that business instead of adding one."""
    headers = [*OFFICE_HEADERS, "_uuid"]
    path = office_csv([[*office_row(1), "uuid-0001"]], headers=headers)
    import_file(actor=desa_officer, path=path)

    renamed = [[*office_row(1, **{"Nama Usaha": "Warung Makan Sri Rejeki"}), "uuid-0001"]]
    job = import_file(actor=desa_officer, path=office_csv(renamed, headers=headers, name="lagi.csv"))

    assert job.updated == 1
    assert list(Business.objects.values_list("name", flat=True)) == ["Warung Makan Sri Rejeki"]
    assert ExternalRecord.objects.get().business == Business.objects.get()


def test_a_source_id_of_another_persons_business_is_rejected(desa_officer, office_csv):
    headers = [*OFFICE_HEADERS, "_uuid"]
    import_file(actor=desa_officer, path=office_csv([[*office_row(1), "uuid-0001"]], headers=headers))

    job = import_file(actor=desa_officer, path=office_csv([[*office_row(2), "uuid-0001"]], headers=headers, name="b.csv"))

    assert job.rejected == 1
    assert "NIK lain" in report_lines(job)[0]["reasons"]
    assert Business.objects.count() == 1


def test_kobo_export_columns_are_recognised(desa_officer, office_csv):
    """A KoboToolbox export with group paths and bookkeeping columns imports as it is."""
    values = dict(zip(OFFICE_HEADERS, office_row(3), strict=True))
    kobo = {
        "grp_identitas/nik": values["NIK"], "grp_identitas/nama_lengkap": values["Nama Lengkap"],
        "grp_identitas/jenis_kelamin": "L", "grp_alamat/alamat": values["Alamat"], "grp_alamat/rt": "3",
        "grp_alamat/rw": "1", "grp_alamat/desa": "Gerbo", "grp_alamat/kecamatan": "Purwodadi",
        "grp_usaha/nama": values["Nama Usaha"], "grp_usaha/jenis_usaha": "warung",
        "meta/instanceID": "uuid:kobo-3", "_uuid": "kobo-3",
    }
    row = [kobo.get(header, "") for header in KOBO_HEADERS]

    job = import_file(actor=desa_officer, path=office_csv([row], headers=KOBO_HEADERS, name="kobo.csv"))

    assert job.created == 1, report_lines(job)
    assert ExternalRecord.objects.filter(external_id="uuid:kobo-3").exists()


def test_damaged_niks_are_rejected_and_never_stored(desa_officer, office_csv, office_xlsx):
    """Scientific notation in a CSV, and a 16-digit number cell ending in 0 in an XLSX
    (the spreadsheet zeroed its last digit), are both refused with the fix to make."""
    zeroed = valid_nik(10)  # serial 0010: a number cell cannot tell it from a truncated NIK
    assert zeroed.endswith("0")
    csv_job = import_file(actor=desa_officer, path=office_csv([office_row(1, NIK=DAMAGED_NIK)]))
    xlsx_job = import_file(actor=desa_officer, path=office_xlsx([office_row(10, NIK=int(zeroed))]))

    for job in (csv_job, xlsx_job):
        assert job.rejected == 1 and job.accepted == 0
        reasons = report_lines(job)[0]["reasons"]
        assert "NIK rusak oleh spreadsheet" in reasons and "Teks" in reasons
    assert not Person.objects.exists()
    assert not Person.objects.filter(nik__startswith="351401").exists()


def test_rows_outside_the_importers_region_are_rejected(desa_officer, office_csv):
    rows = [office_row(1), office_row(2, **{"Desa/Kelurahan": "Ngadirejo", "Kecamatan": "Tutur"})]

    job = import_file(actor=desa_officer, path=office_csv(rows))

    assert counts(job) == {"created": 1, "updated": 0, "linked": 0, "unchanged": 0, "rejected": 1}
    assert "di luar wilayah tugas" in report_lines(job)[1]["reasons"]
    assert not Person.objects.filter(nik=valid_nik(2)).exists()


def test_an_rt_officer_imports_only_their_rt(regions, office_csv):
    officer = UserFactory.at(f"{GERBO}.RW001.RT003")
    rows = [office_row(1), office_row(2, RT="004")]

    job = import_file(actor=officer, path=office_csv(rows))

    assert (job.created, job.rejected) == (1, 1)
    assert not Region.objects.filter(code=f"{GERBO}.RW001.RT004").exists()


def test_importers_need_a_role_and_a_region(regions, office_csv):
    from django.core.exceptions import PermissionDenied

    agency = UserFactory.at("35.14", role=Role.AGENCY)
    with pytest.raises(PermissionDenied):
        import_file(actor=agency, path=office_csv([office_row(1)]))
    with pytest.raises(PermissionDenied):
        import_file(actor=UserFactory(), path=office_csv([office_row(1)]))
    assert not ImportJob.objects.exists()


def test_verification_starts_at_the_importers_level(desa_officer, office_csv):
    """A desa officer's import waits at the desa; RT, RW and dusun are recorded as skipped
    because the desa imported it."""
    import_file(actor=desa_officer, path=office_csv([office_row(1)]))

    verification = Verification.objects.get()
    assert (verification.status, verification.level, verification.node_code) == ("waiting", "desa", GERBO)
    skips = dict(Decision.objects.filter(verification=verification, action="skip").values_list("level", "reason"))
    assert skips == {"rt": "imported_desa", "rw": "imported_desa", "dusun": "imported_desa"}


def test_a_coordinators_import_waits_at_the_kabupaten(coordinator, office_csv):
    import_file(actor=coordinator, path=office_csv([office_row(1)]))

    assert Verification.objects.get().level == "kabupaten"


@pytest.fixture
def small_batches(settings):
    settings.GELIAT_IMPORT_BATCH = 3


def test_cancel_between_batches_then_rerun_completes_without_duplicates(
    desa_officer, office_csv, small_batches, monkeypatch
):
    """A cancel asked while the second batch is read stops the job before writing it: the
    first batch stays whole, the report says how far it got, and running the job again
    finishes the file with nothing duplicated."""
    path = office_csv([office_row(i) for i in range(1, 9)])
    job = services.import_job_create(actor=desa_officer, file=open(path, "rb"), name="daftar.csv")
    cleaned = []
    real_clean_row = services.clean_row

    def clean_and_cancel_on_row_4(*args, **kwargs):
        cleaned.append(1)
        if len(cleaned) == 4:
            services.import_job_cancel(actor=desa_officer, job=job)
        return real_clean_row(*args, **kwargs)

    monkeypatch.setattr(services, "clean_row", clean_and_cancel_on_row_4)
    job = import_job_run(job_id=job.pk)

    assert job.status == ImportJob.Status.CANCELLED
    assert (job.processed, job.created, job.total_rows) == (3, 3, 8)
    assert Person.objects.count() == 3
    assert [line["row"] for line in report_lines(job)] == ["1", "2", "3"]

    monkeypatch.setattr(services, "clean_row", real_clean_row)
    job = import_job_run(job_id=job.pk)

    assert job.status == ImportJob.Status.DONE
    assert (job.processed, job.created, job.rejected) == (8, 8, 0)
    assert Person.objects.count() == Business.objects.count() == Registration.objects.count() == 8
    assert [line["row"] for line in report_lines(job)] == [str(n) for n in range(1, 9)]


def test_a_failure_mid_file_leaves_no_half_batch_and_a_rerun_finishes(
    desa_officer, office_csv, small_batches, monkeypatch
):
    path = office_csv([office_row(i) for i in range(1, 8)] + [office_row(8, NIK=DAMAGED_NIK)])
    job = services.import_job_create(actor=desa_officer, file=open(path, "rb"), name="daftar.csv")
    announced = []
    real_announce = services.registrations_announce

    def fail_on_second_batch(**kwargs):
        announced.append(1)
        if len(announced) == 2:
            raise RuntimeError("database went away")
        return real_announce(**kwargs)

    monkeypatch.setattr(services, "registrations_announce", fail_on_second_batch)
    job = import_job_run(job_id=job.pk)

    assert job.status == ImportJob.Status.FAILED
    assert "jalankan lagi" in job.error
    assert job.processed == 3
    assert Person.objects.count() == Business.objects.count() == Verification.objects.count() == 3

    job = import_job_run(job_id=job.pk)

    assert job.status == ImportJob.Status.DONE
    assert (job.processed, job.created, job.rejected) == (8, 7, 1)
    assert Person.objects.count() == Business.objects.count() == Verification.objects.count() == 7
    assert len(report_lines(job)) == 8


def test_units_met_again_in_later_batches_are_the_same_units(desa_officer, office_csv, small_batches, monkeypatch):
    """Eight rows in three batches, all in RT 003/RW 001 but the last in RT 004: one RW and two
    RT units are added, each business sits in its own RT, and the batches after the first look
    up only the RT they have not met before."""
    looked_up = []
    real_units_ensure = services.units_ensure

    def recorded(*, places):
        places = list(places)
        looked_up.append(sorted(places))
        return real_units_ensure(places=places)

    monkeypatch.setattr(services, "units_ensure", recorded)
    rows = [office_row(i) for i in range(1, 8)] + [office_row(8, RT="004")]

    job = import_file(actor=desa_officer, path=office_csv(rows))

    assert (job.status, job.created) == (ImportJob.Status.DONE, 8)
    assert Region.objects.filter(level="rw").count() == 1
    rts = Region.objects.filter(level="rt")
    assert sorted(rt.name for rt in rts) == ["RT 003", "RT 004"]
    by_rt = {rt.code: Business.objects.filter(region=rt).count() for rt in rts}
    assert sorted(by_rt.values()) == [1, 7]
    gerbo = "35.14.01.2001"
    assert looked_up == [[(gerbo, 1, 3)], [], [(gerbo, 1, 4)]]


def test_dry_run_counts_as_if_but_stores_nothing(desa_officer, office_csv, small_batches):
    """The same counts as the real import, across batches too (a NIK met in an earlier
    batch is linked), and not one record, unit or audit event of a record stored."""
    rows = [office_row(1), office_row(2), office_row(3, NIK=DAMAGED_NIK),
            office_row(1, **{"Nama Usaha": "Jahit Bu Sri"}), office_row(4)]
    path = office_csv(rows)

    dry = import_file(actor=desa_officer, path=path, dry_run=True)

    assert dry.dry_run and dry.status == ImportJob.Status.DONE
    assert counts(dry) == {"created": 3, "updated": 0, "linked": 1, "unchanged": 0, "rejected": 1}
    assert not Person.objects.exists() and not Business.objects.exists() and not Registration.objects.exists()
    assert not Region.objects.filter(level__in=["rw", "rt"]).exists()
    assert not AuditEvent.objects.filter(object_type__startswith="registry.").exists()
    lines = report_lines(dry)
    assert len(lines) == 5 and all(line["id"] == "" for line in lines)

    real = import_file(actor=desa_officer, path=path)
    assert counts(real) == counts(dry)


def test_csv_report_has_one_line_per_row(desa_officer, office_csv):
    rows = [office_row(1), office_row(2, NIK=DAMAGED_NIK), office_row(3)]
    job = import_file(actor=desa_officer, path=office_csv(rows))

    with open(job.report_csv.path, encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["row", "status", "reasons", "id"]
    lines = report_lines(job)
    assert [(line["row"], line["status"]) for line in lines] == [("1", "accepted"), ("2", "rejected"), ("3", "accepted")]
    assert lines[1]["id"] == "" and "NIK" in lines[1]["reasons"]
    business_ids = {str(pk) for pk in Business.objects.values_list("pk", flat=True)}
    assert {lines[0]["id"], lines[2]["id"]} == business_ids


def test_xlsx_report_keeps_the_rejected_rows_as_written(desa_officer, office_csv):
    """Only rejected rows, with the file's headers, its cells untouched (even one that looks
    like a formula) and the reasons in an "alasan" column: fixed, it can be uploaded again."""
    rows = [
        office_row(1),
        office_row(2, NIK=DAMAGED_NIK, **{"Nama Usaha": "=1+1"}),
        office_row(3, **{"Tanggal Lahir": "05/06/1980"}),
    ]
    job = import_file(actor=desa_officer, path=office_csv(rows))

    assert (job.created, job.rejected) == (1, 2)
    sheet = load_workbook(job.report_xlsx.path).worksheets[0]
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert table[0] == [*OFFICE_HEADERS, "alasan"]
    assert len(table) == 3
    damaged = dict(zip(table[0], table[1], strict=True))
    assert damaged["NIK"] == DAMAGED_NIK
    assert damaged["Nama Usaha"] == "=1+1"
    assert sheet.cell(row=2, column=OFFICE_HEADERS.index("Nama Usaha") + 1).data_type == "s"
    assert "NIK rusak" in damaged["alasan"]
    ambiguous = dict(zip(table[0], table[2], strict=True))
    assert ambiguous["Tanggal Lahir"] == "05/06/1980"
    assert "Tanggal Lahir" in ambiguous["alasan"]


def test_the_same_list_saved_as_xlsx_with_number_cells_changes_nothing(desa_officer, office_csv, office_xlsx):
    """A NIK typed into a number cell (16 digits, last one not 0) still matches: the row is
    unchanged, with a warning to format the column as text."""
    import_file(actor=desa_officer, path=office_csv([office_row(1)]))

    job = import_file(actor=desa_officer, path=office_xlsx([office_row(1, NIK=int(valid_nik(1)))]))

    assert job.unchanged == 1
    assert "format kolom NIK" in report_lines(job)[0]["reasons"]
