"""Outside lists: read with the importer's readers, every row accounted for, matched to the
registry by NIK or by name + birth date + desa, and used by the rules and the overlap checks."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from geliat.audit.models import AuditEvent
from geliat.programmes.models import Enrolment, OutsideList, ProposalRow
from geliat.programmes.outside import outside_list_create
from geliat.programmes.selectors import gap_businesses
from geliat.programmes.services import enrolment_create, proposal_build
from geliat.registry.nik import nik_make
from tests.programmes.conftest import make_programme

BORN = datetime.date(1980, 5, 17)


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def unregistered_nik(serial: int) -> str:
    return nik_make(kecamatan_code="35.14.01", birth_date=BORN, sex="L", serial=9000 + serial)


@pytest.fixture
def run_list(django_capture_on_commit_callbacks):
    """Upload a list and run its matching task (queued on commit) at once; the list as stored after."""

    def create(**kwargs) -> OutsideList:
        with django_capture_on_commit_callbacks(execute=True):
            outside_list = outside_list_create(**kwargs)
        outside_list.refresh_from_db()
        return outside_list

    return create


@pytest.fixture
def asn_list(coordinator, run_list):
    def create(text: str, **data):
        data = {"code": "asn-2020", "name": "Daftar ASN Pemkab 2020", "kind": "exclusion", "category": "asn", **data}
        return run_list(actor=coordinator, file=upload("asn.csv", text), file_name="asn.csv", data=data)

    return create


def test_every_row_is_accounted_for_and_matched_by_nik_or_name_birth_date_and_desa(make_business, person_factory, asn_list):
    """Five rows: one by NIK, one by name+birth date+desa (its NIK not registered), one found nowhere,
    one rejected (nothing to match on), one ambiguous (two people fit): accepted + rejected = rows read."""
    by_nik = make_business().owner
    by_name = person_factory(full_name="Siti Aminah")
    twin_a = person_factory(full_name="Budi Santoso")
    twin_b = person_factory(full_name="Budi  Santoso")  # another record of the same spelling
    text = "\n".join([
        "No;NIK;Nama Lengkap;Tanggal Lahir;Desa",
        f"1;{by_nik.nik};{by_nik.full_name};17-05-1980;Gerbo",
        f"2;{unregistered_nik(1)};SITI AMINAH;17/05/1980;Gerbo",
        f"3;{unregistered_nik(2)};Orang Lain;17/05/1980;Gerbo",
        "4;12345;Tanpa Tanggal;;Gerbo",
        "5;;Budi Santoso;1980-05-17;Gerbo",
    ])
    outside_list = asn_list(text)
    assert outside_list.status == "done"
    assert (outside_list.rows_read, outside_list.accepted, outside_list.rejected, outside_list.matched) == (5, 4, 1, 2)
    entries = {e.row_number: e for e in outside_list.entries.all()}
    assert (entries[1].match, entries[1].person) == ("nik", by_nik)
    assert (entries[2].match, entries[2].person) == ("fuzzy", by_name)
    assert "NIK di daftar berbeda" in entries[2].note
    assert (entries[3].match, entries[3].person) == ("none", None)
    assert entries[4].match == "rejected" and "NIK" in entries[4].note
    assert entries[5].person is None and "2 orang di registri cocok" in entries[5].note
    assert {twin_a.pk, twin_b.pk}.isdisjoint({e.person_id for e in entries.values()})
    assert AuditEvent.objects.filter(object_type="programmes.outsidelist", object_id=str(outside_list.pk)).count() == 2


def test_the_rules_then_exclude_those_matched(make_business, agency, agency_user, asn_list):
    """After the ASN list is matched, a BPUM-like programme proposes only the others."""
    civil_servant, trader = make_business(), make_business()
    asn_list(f"NIK;Nama\n{civil_servant.owner.nik};{civil_servant.owner.full_name}\n")
    programme = make_programme("bpum-uji", agencies=[agency], rules={"conditions": [
        {"field": "excluded_by", "op": "none_of", "value": ["asn", "tni", "polri", "bumn_bumd", "kur_debtor"]},
    ]})
    proposal = proposal_build(actor=agency_user, programme=programme)
    assert list(ProposalRow.objects.filter(proposal=proposal).values_list("business_id", flat=True)) == [trader.pk]


def test_a_nik_zeroed_by_a_number_cell_is_matched_by_its_first_15_digits_and_name(person_factory, coordinator, run_list):
    """An XLSX whose NIK column was a number lost the 16th digit: matched by the rest and the name."""
    person = person_factory(nik=nik_make(kecamatan_code="35.14.01", birth_date=BORN, sex="L", serial=1237), full_name="Ahmad Fauzi")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["No. KTP", "Nama Penerima"])
    sheet.append([int(person.nik[:15] + "0"), "Ahmad Fauzi"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    file = SimpleUploadedFile("debitur.xlsx", buffer.getvalue())
    outside_list = run_list(
        actor=coordinator, file=file, file_name="debitur.xlsx",
        data={"code": "kur-bri", "name": "Debitur KUR BRI", "kind": "exclusion", "category": "kur_debtor"},
    )
    entry = outside_list.entries.get()
    assert (entry.match, entry.person) == ("fuzzy", person)
    assert "15 angka pertama" in entry.note


def test_a_recipients_list_becomes_enrolments_and_reports_overlaps(make_business, agency, agency_user, coordinator, run_list):
    """A ministry's BPUM list: matched recipients count as reached; one already receiving a
    programme of the class in the period is counted as an overlap, naming it."""
    bpum = make_programme("bpum-2020-uji", name="BPUM 2020 Uji", agencies=[agency], overlap_class="bantuan_produktif")
    local = make_programme("bantuan-daerah", name="Bantuan Daerah", agencies=[agency], overlap_class="bantuan_produktif")
    doubled, single, unreached = make_business(), make_business(), make_business()
    enrolment_create(actor=agency_user, programme=local, person=doubled.owner, business=doubled)
    text = f"nik,nama\n{doubled.owner.nik},{doubled.owner.full_name}\n{single.owner.nik},{single.owner.full_name}\n{single.owner.nik},{single.owner.full_name}\n"
    outside_list = run_list(
        actor=agency_user, file=upload("bpum.csv", text), file_name="bpum.csv",
        data={"code": "bpum-kemenkop", "name": "Penerima BPUM 2020", "kind": "recipients", "programme": bpum},
    )
    assert (outside_list.rows_read, outside_list.matched, outside_list.overlapping) == (3, 3, 1)
    enrolled = Enrolment.objects.filter(programme=bpum)
    assert sorted(enrolled.values_list("person_id", flat=True)) == sorted([doubled.owner_id, single.owner_id])
    assert set(enrolled.values_list("origin", "status")) == {("outside_list", "delivered")}
    notes = [e.note for e in outside_list.entries.order_by("row_number")]
    assert "TUMPANG TINDIH: juga menerima Bantuan Daerah" in notes[0]
    assert "sudah ada di baris lain" in notes[2]
    # Those on the recipients list are reached; the third is still a gap.
    assert list(gap_businesses(coordinator).values_list("pk", flat=True)) == [unreached.pk]


def test_a_file_without_the_columns_to_match_is_refused_naming_what_it_has(coordinator, db):
    """No NIK, and not name + birth date + desa either: refused before anything is stored."""
    with pytest.raises(ValidationError) as refused:
        outside_list_create(
            actor=coordinator, file=upload("x.csv", "Nama;Alamat\nA;B\n"), file_name="x.csv",
            data={"code": "x", "name": "X", "kind": "exclusion", "category": "asn"},
        )
    assert "Kolom di berkas: “Nama”, “Alamat”" in " ".join(refused.value.messages)
    assert not OutsideList.objects.exists()


def test_an_agency_uploads_recipients_only_for_its_own_programmes(other_agency_user, cash_aid):
    """Another agency's programme cannot receive a recipients list from this agency."""
    with pytest.raises(PermissionDenied):
        outside_list_create(
            actor=other_agency_user, file=upload("r.csv", "nik\n3514011705800001\n"), file_name="r.csv",
            data={"code": "r", "name": "R", "kind": "recipients", "programme": cash_aid},
        )


def test_the_upload_page_matches_a_list_and_shows_every_row(client, make_business, coordinator, django_capture_on_commit_callbacks):
    """Through the page: upload, the matching runs, the list page gives the row account and each row's result."""
    owner = make_business().owner
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programmes:outside_list_create"), {
            "name": "Debitur KUR BRI Bangil", "code": "kur-bri-bangil", "kind": "exclusion", "category": "kur_debtor",
            "issuer": "BRI", "file": upload("kur.csv", f"NIK,Nama\n{owner.nik},{owner.full_name}\n,Tanpa NIK\n"),
        })
    outside_list = OutsideList.objects.get(code="kur-bri-bangil")
    assert response.status_code == 302
    body = client.get(reverse("programmes:outside_list_detail", args=[outside_list.pk])).content.decode()
    assert "2 dibaca: 1 diterima, 1 ditolak; 1 cocok dengan registri" in body
    assert owner.nik not in body and owner.nik[:6] + "******" in body


def test_an_unreadable_file_is_refused_on_the_form_keeping_what_was_typed(client, coordinator):
    """An old .xls: the form says how to save it and keeps the list's name."""
    client.force_login(coordinator)
    body = client.post(reverse("programmes:outside_list_create"), {
        "name": "Daftar ASN Lama", "code": "asn-lama", "kind": "exclusion", "category": "asn",
        "file": SimpleUploadedFile("asn.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100),
    }).content.decode()
    assert "Berkas Excel lama (.xls) belum didukung" in body and 'value="Daftar ASN Lama"' in body
    assert not OutsideList.objects.exists()
