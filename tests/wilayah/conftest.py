"""Fixtures for the region tests: small reference files and a desa and a kelurahan."""

import csv
import gzip
from pathlib import Path

import pytest

from geliat.wilayah.services import DATA_DIR

HEADER = ["code", "name", "level", "parent_code"]


@pytest.fixture
def pasuruan_rows() -> list[list[str]]:
    """Kabupaten Pasuruan's 390 rows as shipped, plus its provinsi."""
    with (DATA_DIR / "pasuruan_wilayah.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    return [["35", "Jawa Timur", "provinsi", ""], *rows]


@pytest.fixture
def write_table(tmp_path):
    """Write rows as a reference file (gzipped when the name ends in .gz)."""

    def write(rows, name="wilayah.csv", header=HEADER) -> Path:
        path = tmp_path / name
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "wt", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            if header:
                writer.writerow(header)
            writer.writerows(rows)
        return path

    return write


@pytest.fixture
def desa(regions):
    """Desa Gerbo, Kecamatan Purwodadi."""
    return regions.get(code="35.14.01.2001")


@pytest.fixture
def kelurahan(regions):
    """Kelurahan Kalirejo, Kecamatan Bangil."""
    return regions.get(code="35.14.14.1014")
