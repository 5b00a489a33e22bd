"""The plan's action matrix as shipped with Geliat, and how its table is read.

``ACTION_MATRIX`` is the table of ``rencana-aksi-covid19-koperasi-umkm`` (June 2020) as
restated in English in the plan's summary; ``matrix_rows`` reads any copy of that table
(a revised plan can be given to ``geliat matrix_seed --source``). Agencies are found by
the English labels in ``geliat.accounts.agencies``. The Indonesian names and themes below
are what the interface shows; an item the table adds later shows its English text until
someone renames it.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from geliat.accounts.agencies import REGENCY_AGENCIES

ACTION_MATRIX = """\
| # | Affected group | Programmes | Responsible agencies |
|---|---|---|---|
| 1 | Vulnerable: aged 65+, living alone, unable to join training | Meals sent from the nearest food stall/caterer, delivered by becak/ojek drivers | Social Affairs |
| 2 | Food stalls, caterers | 1. Run the meal programme for the vulnerable 2. Food-safety training 3. Help shifting to online markets | 1. Social Affairs 2. Health; Livestock & Food Security 3. Cooperatives & SME; Industry & Trade; Communication & Informatics |
| 3 | Street vendors (PKL) | 1. Local market facilities 2. Online marketing help | Industry & Trade; Cooperatives & SME |
| 4 | Crafts (kriya) | 1. Shifting online 2. Promotion/exhibitions 3. Skills training, certification, writing a DRP and BCP | 1. Cooperatives & SME 2. Cooperatives & SME; Industry & Trade; Communication & Informatics 3. Manpower; Industry & Trade; Cooperatives & SME |
| 5 | Farm labourers / fishers | Catfish farming with water spinach in plastic buckets | Agriculture; Livestock & Food Security; Fisheries |
| 6 | Small shops, vegetable sellers (pracangan, mlijo) | Shifting online through SMS, WhatsApp etc. | Cooperatives & SME; Industry & Trade; Communication & Informatics |
| 7 | Ojek / becak drivers | Delivery team for the meals to the vulnerable, parcels, online transport | Transportation; Social Affairs |
| 8 | Garment makers / tailors | 1. Promotion via SMS, WhatsApp groups, Facebook, Instagram, marketplaces 2. Skills training and certification | 1. Cooperatives & SME; Industry & Trade; Communication & Informatics 2. Manpower |
| 9 | Salons | 1. Home service, online promotion 2. Skills training and certification | 1. Cooperatives & SME 2. Manpower |
| 10 | Processed food | 1. Legal permits (P-IRT, BPOM), halal certification, nutrition tests 2. Shifting online 3. Promotion/exhibitions 4. Skills, packaging, DRP and BCP training | 1. Health; Investment & One-Stop Service (DPMPT); Industry & Trade 2. Cooperatives & SME 3. Cooperatives & SME; Industry & Trade; Communication & Informatics 4. Manpower; Industry & Trade; Cooperatives & SME |
"""

# (group, number) → (Indonesian name, theme). Data, not interface text: it is stored in
# the database and edited there.
NAMES: dict[tuple[int, int], tuple[str, str]] = {
    (1, 1): ("Kiriman makanan dari warung/katering terdekat, diantar tukang becak/ojek", "meals"),
    (2, 1): ("Menjalankan program makanan untuk kelompok rentan", "meals"),
    (2, 2): ("Pelatihan keamanan pangan", "food_safety"),
    (2, 3): ("Pendampingan beralih ke pasar daring", "online"),
    (3, 1): ("Fasilitasi sarana pasar lokal", "market"),
    (3, 2): ("Pendampingan pemasaran daring", "online"),
    (4, 1): ("Beralih ke pemasaran daring", "online"),
    (4, 2): ("Promosi dan pameran", "promotion"),
    (4, 3): ("Pelatihan keterampilan, sertifikasi, penyusunan DRP dan BCP", "training"),
    (5, 1): ("Budidaya lele dan kangkung dalam ember (budikdamber)", "aquaculture"),
    (6, 1): ("Beralih ke penjualan daring lewat SMS, WhatsApp dan sejenisnya", "online"),
    (7, 1): ("Tim antar makanan untuk kelompok rentan, paket, dan transportasi daring", "delivery"),
    (8, 1): ("Promosi lewat SMS, grup WhatsApp, Facebook, Instagram dan marketplace", "online"),
    (8, 2): ("Pelatihan keterampilan dan sertifikasi", "training"),
    (9, 1): ("Layanan ke rumah dan promosi daring", "online"),
    (9, 2): ("Pelatihan keterampilan dan sertifikasi", "training"),
    (10, 1): ("Perizinan (P-IRT, BPOM), sertifikasi halal dan uji gizi", "permits"),
    (10, 2): ("Beralih ke pemasaran daring", "online"),
    (10, 3): ("Promosi dan pameran", "promotion"),
    (10, 4): ("Pelatihan keterampilan, pengemasan, DRP dan BCP", "training"),
}

_NUMBERED = re.compile(r"(?:^|\s)(\d+)\.\s+")
_PARENTHESIS = re.compile(r"\s*\([^)]*\)")


@dataclass(frozen=True)
class MatrixRow:
    affected_group: int
    number: int
    source_text: str
    agency_codes: tuple[str, ...]

    @property
    def code(self) -> str:
        return f"{self.affected_group}.{self.number}"


def _numbered(cell: str) -> dict[int, str] | None:
    """``"1. A 2. B"`` → {1: "A", 2: "B"}; None when the cell is not a numbered list."""
    marks = list(_NUMBERED.finditer(cell))
    if not marks or marks[0].start(1) > 1:
        return None
    items = {}
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(cell)
        items[int(mark.group(1))] = cell[mark.end():end].strip()
    return items


def _agency_codes(cell: str, *, row: str) -> tuple[str, ...]:
    by_label = {label.casefold(): code for code, _name, _short, label in REGENCY_AGENCIES}
    codes = []
    for part in cell.split(";"):
        label = _PARENTHESIS.sub("", part).strip().casefold()
        if not label:
            continue
        if label not in by_label:
            raise ValidationError(
                _("Baris %(row)s matriks aksi menyebut OPD «%(label)s» yang tidak dikenal. Tambahkan OPD itu atau "
                  "perbaiki namanya di tabel.") % {"row": row, "label": part.strip()}
            )
        codes.append(by_label[label])
    return tuple(dict.fromkeys(codes))


def matrix_rows(table: str = ACTION_MATRIX) -> list[MatrixRow]:
    """The activities of a markdown action-matrix table, with their agencies' codes.

    A numbered programme cell gives one activity per number. A numbered agency cell
    gives each number its agencies; an unnumbered one applies to every activity of the row.
    """
    rows = []
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].isdigit():
            continue
        group = int(cells[0])
        if not 1 <= group <= 10:
            raise ValidationError(_("Kelompok terdampak nomor %(n)s tidak dikenal (harus 1–10).") % {"n": group})
        programmes = _numbered(cells[2]) or {1: cells[2]}
        agencies = _numbered(cells[3])
        for number, text in programmes.items():
            agency_cell = agencies.get(number, "") if agencies is not None else cells[3]
            codes = _agency_codes(agency_cell, row=f"{group}.{number}")
            if not codes:
                raise ValidationError(
                    _("Kegiatan %(code)s matriks aksi tidak punya OPD penanggung jawab.") % {"code": f"{group}.{number}"}
                )
            rows.append(MatrixRow(affected_group=group, number=number, source_text=text, agency_codes=codes))
    if not rows:
        raise ValidationError(_("Tabel matriks aksi tidak ditemukan: perlu kolom #, kelompok, program, OPD."))
    return rows
