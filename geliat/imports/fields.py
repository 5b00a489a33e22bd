"""The fields an imported row can fill, with the header spellings that name them.

``synonyms`` are whole headers, compared as name keys (case, spaces and punctuation
ignored: "No. HP/WA" is ``nohpwa``). ``keywords`` are sets of words that must all
appear in a header, for headers written as a phrase ("Omzet per bulan sebelum
pandemi (Rp)"); the more specific sets of all fields are tried before the general
ones (see ``headers``).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Field:
    key: str
    label: Promise
    group: str  # "person" or "business"
    required: bool
    synonyms: tuple[str, ...] = ()
    keywords: tuple[tuple[str, ...], ...] = ()


def _field(key, label, group, *, required=False, synonyms=(), keywords=()) -> Field:
    return Field(key, label, group, required, tuple(synonyms), tuple(tuple(words) for words in keywords))


_PERSON, _BUSINESS = "person", "business"

FIELDS: dict[str, Field] = {
    field.key: field
    for field in (
        _field(
            "nik", _("NIK"), _PERSON, required=True,
            synonyms=("nik", "noktp", "nomorktp", "ktp", "nomorinduk", "nomorindukkependudukan", "nonik",
                      "nomornik", "nikktp", "nikpemilik", "nationalid", "nationalidnumber", "idnumber", "idno"),
            keywords=(("nik",), ("ktp",), ("induk", "kependudukan")),
        ),
        _field(
            "full_name", _("Nama lengkap"), _PERSON, required=True,
            synonyms=("nama", "namalengkap", "namapemilik", "namapemilikusaha", "namapelakuusaha", "namaktp",
                      "namasesuaiktp", "namaresponden", "namapenerima", "name", "fullname", "ownername", "ownersname",
                      "respondentname"),
            keywords=(("nama", "pemilik"), ("nama", "lengkap"), ("nama", "responden"), ("full", "name")),
        ),
        _field(
            "sex", _("Jenis kelamin"), _PERSON,
            synonyms=("jeniskelamin", "jk", "kelamin", "lp", "sex", "gender", "jeniskelaminlp"),
            keywords=(("kelamin",), ("gender",)),
        ),
        _field(
            "birth_place", _("Tempat lahir"), _PERSON,
            synonyms=("tempatlahir", "tmplahir", "tmptlahir", "placeofbirth", "birthplace"),
            keywords=(("tempat", "lahir"), ("place", "birth")),
        ),
        _field(
            "birth_date", _("Tanggal lahir"), _PERSON,
            synonyms=("tanggallahir", "tgllahir", "tgllhr", "tanggallhr", "lahir", "ttl", "tempattanggallahir",
                      "tempattgllahir", "dateofbirth", "birthdate", "dob"),
            keywords=(("tanggal", "lahir"), ("tgl", "lahir"), ("date", "birth")),
        ),
        _field(
            "phone", _("No. HP/WA"), _PERSON,
            synonyms=("nohp", "hp", "nohpwa", "nowa", "wa", "nomorhp", "nomorhpwa", "nomorwa", "telepon", "notelepon",
                      "telp", "notelp", "nomortelepon", "handphone", "whatsapp", "phone", "phonenumber", "mobile",
                      "mobilephone", "telephone"),
            keywords=(("hp",), ("telepon",), ("telp",), ("whatsapp",), ("phone",)),
        ),
        _field(
            "address", _("Alamat"), _PERSON, required=True,
            synonyms=("alamat", "alamatrumah", "alamatlengkap", "alamatktp", "alamatdomisili", "jalan", "address",
                      "homeaddress", "streetaddress"),
            keywords=(("alamat",), ("address",)),
        ),
        _field("rt", _("RT"), _PERSON, synonyms=("rt", "nort", "nomorrt", "rtrw")),
        _field("rw", _("RW"), _PERSON, synonyms=("rw", "norw", "nomorrw")),
        _field("dusun", _("Dusun"), _PERSON, synonyms=("dusun", "dukuh", "dsn", "lingkungan", "hamlet")),
        _field(
            "desa", _("Desa/Kelurahan"), _PERSON, required=True,
            synonyms=("desa", "kelurahan", "desakelurahan", "kelurahandesa", "desakel", "keldesa", "kel", "ds",
                      "namadesa", "village", "kodedesa"),
            keywords=(("desa",), ("kelurahan",), ("village",)),
        ),
        _field(
            "kecamatan", _("Kecamatan"), _PERSON,
            synonyms=("kecamatan", "kec", "namakecamatan", "kodekecamatan", "district", "subdistrict"),
            keywords=(("kecamatan",), ("district",)),
        ),
        _field(
            "business_name", _("Nama usaha"), _BUSINESS, required=True,
            synonyms=("namausaha", "usaha", "namatoko", "namawarung", "merek", "merekusaha", "businessname",
                      "nameofbusiness", "business"),
            keywords=(("nama", "usaha"), ("business", "name")),
        ),
        _field(
            "affected_group", _("Kelompok usaha terdampak"), _BUSINESS, required=True,
            synonyms=("jenisusaha", "kelompok", "kelompokusaha", "kelompokterdampak", "kelompokusahaterdampak",
                      "kategoriusaha", "tipeusaha", "businesstype", "typeofbusiness", "affectedgroup"),
            keywords=(("kelompok",), ("jenis", "usaha"), ("business", "type")),
        ),
        _field(
            "kbli_section", _("Kategori KBLI 2020"), _BUSINESS,
            synonyms=("kbli", "kodekbli", "kategorikbli", "bidangusaha", "sektor", "sektorusaha", "sector"),
            keywords=(("kbli",), ("bidang", "usaha"), ("sektor",)),
        ),
        _field(
            "products", _("Produk/jasa"), _BUSINESS,
            synonyms=("produk", "produkjasa", "jenisproduk", "barangjasa", "products", "product", "productsservices"),
            keywords=(("produk",), ("product",)),
        ),
        _field(
            "capital", _("Modal usaha (Rp)"), _BUSINESS,
            synonyms=("modal", "modalusaha", "asset", "aset", "capital"),
            keywords=(("modal",), ("capital",)),
        ),
        _field(
            "annual_sales", _("Hasil penjualan tahunan (Rp)"), _BUSINESS,
            synonyms=("penjualantahunan", "hasilpenjualantahunan", "penjualansetahun", "omzettahunan",
                      "omsettahunan", "annualsales", "annualturnover"),
            keywords=(("penjualan", "tahun"), ("omzet", "tahun"), ("omset", "tahun"), ("annual",)),
        ),
        _field(
            "employees_before", _("Karyawan sebelum pandemi"), _BUSINESS,
            synonyms=("karyawansebelum", "jumlahkaryawansebelum", "tenagakerjasebelum", "employeesbefore"),
            keywords=(("karyawan", "sebelum"), ("tenagakerja", "sebelum"), ("jumlah", "pekerja", "sebelum"),
                      ("employees", "before")),
        ),
        _field(
            "employees_now", _("Karyawan sekarang"), _BUSINESS,
            synonyms=("karyawan", "jumlahkaryawan", "tenagakerja", "jumlahtenagakerja", "jumlahpekerja", "employees",
                      "employeesnow"),
            # Not "pekerja" alone: "Pekerjaan" (occupation) contains it.
            keywords=(("karyawan",), ("tenagakerja",), ("jumlah", "pekerja"), ("employees",)),
        ),
        _field(
            "revenue_before", _("Omzet per bulan sebelum pandemi (Rp)"), _BUSINESS,
            synonyms=("omzetsebelum", "omsetsebelum", "pendapatansebelum", "revenuebefore"),
            keywords=(("omzet", "sebelum"), ("omset", "sebelum"), ("pendapatan", "sebelum"),
                      ("penghasilan", "sebelum"), ("revenue", "before"), ("turnover", "before")),
        ),
        _field(
            "revenue_now", _("Omzet per bulan sekarang (Rp)"), _BUSINESS,
            synonyms=("omzet", "omset", "omzetsekarang", "omsetsekarang", "pendapatan", "revenue", "revenuenow",
                      "turnover"),
            keywords=(("omzet",), ("omset",), ("pendapatan",), ("penghasilan",), ("revenue",), ("turnover",)),
        ),
        _field(
            "impacts", _("Dampak"), _BUSINESS,
            synonyms=("dampak", "dampakcovid", "dampakcovid19", "dampakpandemi", "jenisdampak", "impact", "impacts"),
            keywords=(("dampak",), ("impact",)),
        ),
        _field(
            "impact_note", _("Keterangan dampak"), _BUSINESS,
            synonyms=("keterangan", "keterangandampak", "catatan", "ket", "uraiandampak", "impactnote", "notes", "note"),
            keywords=(("keterangan",), ("uraian",), ("catatan",)),
        ),
        _field(
            "business_address", _("Alamat usaha"), _BUSINESS,
            synonyms=("alamatusaha", "lokasiusaha", "alamattempatusaha", "businessaddress"),
            keywords=(("alamat", "usaha"), ("lokasi", "usaha"), ("business", "address")),
        ),
        _field(
            "external_id", _("ID sumber (KoboToolbox/ODK)"), _BUSINESS,
            synonyms=("instanceid", "metainstanceid", "key", "uuid", "iddata", "idsumber", "externalid"),
        ),
    )
}

REQUIRED_FIELDS = tuple(key for key, field in FIELDS.items() if field.required)
