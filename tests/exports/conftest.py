"""Records placed in known RTs of Desa Gerbo (and elsewhere), registered and in verification,
and helpers that download an export and read it back."""

import codecs
import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from geliat.accounts.models import Role
from geliat.registry.models import Business, Channel, Registration
from geliat.verification.services import verification_start
from tests.factories import TEST_PASSWORD, BusinessFactory, UserFactory, region_node

GERBO = "35.14.01.2001"  # a desa in Kecamatan Purwodadi
RT1 = GERBO + ".RW001.RT001"
RT2 = GERBO + ".RW001.RT002"
TUTUR_DESA = "35.14.02.2001"  # a desa in another kecamatan


def registered(code: str, **fields) -> Business:
    """A business at node ``code``, registered by an officer and started in verification."""
    business = BusinessFactory(region=region_node(code), **fields)
    registration = Registration.objects.create(person=business.owner, business=business, channel=Channel.OFFICER)
    verification_start(registration_ids=[registration.pk])
    return business


@pytest.fixture
def rt_officer(regions):
    return UserFactory.at(RT1, username="petugas.rt1")


@pytest.fixture
def coordinator(regions):
    return UserFactory.at("35.14", role=Role.COORDINATOR, username="koordinator")


@pytest.fixture
def login(client):
    def login_as(user):
        client.login(username=user.username, password=TEST_PASSWORD)
        return client

    return login_as


def csv_table(response) -> list[list[str]]:
    """Header and rows of a CSV download (checked to be UTF-8 with a byte-order mark)."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def xlsx_book(response):
    """The workbook of an XLSX download, opened with openpyxl."""
    assert response.status_code == 200, response.status_code
    # Reading the content to the end closes the response (and its temporary file).
    body = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(body))


def xlsx_table(response) -> list[list]:
    """Header and rows of the first sheet of an XLSX download, as cell values."""
    sheet = xlsx_book(response).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def as_csv_text(value) -> str:
    """A cell value as the CSV export writes it: numbers as digits, dates as yyyy-mm-dd."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value)


def records(table: list[list]) -> list[dict]:
    """Rows as dicts keyed by the header."""
    header, *rows = table
    return [dict(zip(header, row, strict=True)) for row in rows]
