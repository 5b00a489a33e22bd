"""Programmes of 2020–2021 seeded as examples, with their rules as the regulations wrote them.

Central programmes (sources: the regulations named in each description):
- BPUM / Banpres Produktif Usaha Mikro: Permenkop UKM 6/2020 (Rp2,4 juta, 2020) and
  2/2021 (Rp1,2 juta, 2021). Micro businesses; not ASN, TNI, Polri, BUMN/BUMD staff;
  not currently a bank/KUR debtor.
- KUR with the interest subsidy of the national recovery programme (PMK 85/2020 and
  its 2021 follow-up), at banks.
- LPDB-KUMKM revolving funds, lent to koperasi (and through them to members).
- PNM Mekaar (BUMN): group loans to women running ultra-micro businesses.
- Kartu Prakerja 2020 (Perpres 36/2020, Permenko 3/2020): training voucher and incentive;
  not ASN, TNI, Polri, BUMN/BUMD staff.
- BLT Dana Desa 2020 (Permendes 6/2020, 7/2020): Rp600.000 a month for three months then
  Rp300.000 for three, decided by the desa.

Overlap classes: BLT Dana Desa and Kartu Prakerja's incentive are cash social aid
(``bansos_tunai``); BPUM 2020 and 2021 share ``bantuan_produktif`` (their periods do not
overlap, so one person may have both, as happened); KUR and Mekaar are business
financing (``pembiayaan_usaha``). Trainings, marketing help and certification belong to
no class: a business may take several.

Regency programmes follow the plan's action matrix, run by the OPD it names.
"""

import datetime

D = datetime.date

_EXCLUDED_STAFF = {"field": "excluded_by", "op": "none_of", "value": ["asn", "tni", "polri", "bumn_bumd"]}
_EXCLUDED_STAFF_AND_DEBTORS = {
    "field": "excluded_by", "op": "none_of", "value": ["asn", "tni", "polri", "bumn_bumd", "kur_debtor"],
}
_VERIFIED = {"field": "verified", "op": "is", "value": True}


def _groups(*groups: int) -> dict:
    return {"field": "affected_group", "op": "in", "value": list(groups)}


# (code, fields, agency codes). Order matters: rules may name programmes seeded earlier.
PROGRAMMES: tuple[tuple[str, dict, tuple[str, ...]], ...] = (
    ("kur-2020", {
        "name": "KUR dengan subsidi bunga PEN 2020",
        "description": "Kredit Usaha Rakyat di bank penyalur dengan tambahan subsidi bunga program Pemulihan "
                       "Ekonomi Nasional (PMK 85/2020). Diajukan di bank; Geliat mencatat pendampingannya.",
        "source": "central", "kind": "credit_subsidy", "overlap_class": "pembiayaan_usaha",
        "benefit_item": "Subsidi bunga KUR", "starts_on": D(2020, 4, 1), "ends_on": D(2020, 12, 31),
        "status": "closed", "run_here": False,
        "rules": {"conditions": [{"field": "size", "op": "in", "value": ["mikro", "kecil"]}, _VERIFIED]},
    }, ("diskopum",)),
    ("kur-2021", {
        "name": "KUR dengan subsidi bunga PEN 2021",
        "description": "Lanjutan subsidi bunga KUR tahun 2021, diajukan di bank penyalur.",
        "source": "central", "kind": "credit_subsidy", "overlap_class": "pembiayaan_usaha",
        "benefit_item": "Subsidi bunga KUR", "starts_on": D(2021, 1, 1), "ends_on": D(2021, 12, 31),
        "status": "open", "run_here": False,
        "rules": {"conditions": [{"field": "size", "op": "in", "value": ["mikro", "kecil"]}, _VERIFIED]},
    }, ("diskopum",)),
    ("bpum-2020", {
        "name": "BPUM / Banpres Produktif Usaha Mikro 2020",
        "description": "Bantuan tunai Rp2.400.000 untuk pelaku usaha mikro (Permenkop UKM 6/2020). Bukan ASN, "
                       "TNI, Polri, pegawai BUMN/BUMD, dan tidak sedang menerima kredit perbankan/KUR.",
        "source": "central", "kind": "cash_aid", "overlap_class": "bantuan_produktif",
        "benefit_amount": 2_400_000, "starts_on": D(2020, 8, 1), "ends_on": D(2020, 12, 31), "status": "closed",
        "rules": {"conditions": [
            {"field": "size", "op": "in", "value": ["mikro"]}, _VERIFIED, _EXCLUDED_STAFF_AND_DEBTORS,
            {"field": "programmes", "op": "none_of", "value": ["kur-2020"]},
        ]},
    }, ("diskopum",)),
    ("bpum-2021", {
        "name": "BPUM / Banpres Produktif Usaha Mikro 2021",
        "description": "Bantuan tunai Rp1.200.000 untuk pelaku usaha mikro (Permenkop UKM 2/2021), dengan "
                       "pengecualian yang sama dengan 2020.",
        "source": "central", "kind": "cash_aid", "overlap_class": "bantuan_produktif",
        "benefit_amount": 1_200_000, "starts_on": D(2021, 3, 1), "ends_on": D(2021, 9, 30), "status": "open",
        "rules": {"conditions": [
            {"field": "size", "op": "in", "value": ["mikro"]}, _VERIFIED, _EXCLUDED_STAFF_AND_DEBTORS,
            {"field": "programmes", "op": "none_of", "value": ["kur-2021"]},
        ]},
    }, ("diskopum",)),
    ("lpdb-2020", {
        "name": "Dana bergulir LPDB-KUMKM untuk koperasi",
        "description": "Pinjaman dana bergulir LPDB-KUMKM bagi koperasi, disalurkan kepada anggotanya.",
        "source": "central", "kind": "revolving_fund", "overlap_class": "dana_bergulir",
        "benefit_item": "Pinjaman dana bergulir melalui koperasi", "starts_on": D(2020, 6, 1), "ends_on": D(2021, 12, 31),
        "status": "open", "run_here": False,
        "rules": {"conditions": [{"field": "koperasi_member", "op": "is", "value": True}, _VERIFIED]},
    }, ("diskopum",)),
    ("pnm-mekaar", {
        "name": "PNM Mekaar (Membina Ekonomi Keluarga Sejahtera)",
        "description": "Pembiayaan kelompok tanpa agunan dari PT PNM (BUMN) bagi perempuan prasejahtera pelaku "
                       "usaha ultra mikro, dengan pendampingan mingguan.",
        "source": "bumn_csr", "kind": "credit_subsidy", "overlap_class": "pembiayaan_usaha",
        "benefit_item": "Pembiayaan kelompok ultra mikro", "starts_on": D(2020, 1, 1), "ends_on": D(2021, 12, 31),
        "status": "open", "run_here": False,
        "rules": {"conditions": [
            {"field": "owner_sex", "op": "eq", "value": "P"}, {"field": "size", "op": "in", "value": ["mikro"]},
            _EXCLUDED_STAFF_AND_DEBTORS,
        ]},
    }, ("diskopum",)),
    ("prakerja-2020", {
        "name": "Kartu Prakerja 2020",
        "description": "Bantuan biaya pelatihan Rp1.000.000 dan insentif Rp600.000 × 4 bulan (Perpres 36/2020). "
                       "Usia 18 tahun ke atas; bukan ASN, TNI, Polri, pegawai BUMN/BUMD.",
        "source": "central", "kind": "training", "overlap_class": "bansos_tunai",
        "benefit_amount": 3_550_000, "starts_on": D(2020, 4, 1), "ends_on": D(2020, 12, 31), "status": "closed",
        "run_here": False,
        "rules": {"conditions": [{"field": "owner_age", "op": "gte", "value": 18}, _EXCLUDED_STAFF]},
    }, ("disnaker",)),
    ("blt-dana-desa-2020", {
        "name": "BLT Dana Desa 2020",
        "description": "Bantuan langsung tunai dari Dana Desa: Rp600.000/bulan (April–Juni) lalu Rp300.000/bulan "
                       "(Juli–September), ditetapkan musyawarah desa (Permendes 6/2020 dan 7/2020).",
        "source": "other", "kind": "cash_aid", "overlap_class": "bansos_tunai",
        "benefit_amount": 2_700_000, "starts_on": D(2020, 4, 1), "ends_on": D(2020, 9, 30), "status": "closed",
        "run_here": False,
        "rules": {"conditions": [_EXCLUDED_STAFF]},
    }, ("dinsos",)),
    # The regency's own programmes, from the action matrix.
    ("makan-rentan-2020", {
        "name": "Kiriman makanan bagi warga rentan",
        "description": "Makanan dari warung/katering terdekat, diantar tukang becak/ojek, untuk warga usia 65+ "
                       "yang tinggal sendiri (matriks aksi no. 1).",
        "source": "regency", "kind": "meals", "overlap_class": "makanan_rentan",
        "benefit_item": "Paket makan harian", "starts_on": D(2020, 7, 1), "ends_on": D(2021, 6, 30), "status": "open",
        "rules": {"conditions": [_groups(1), _VERIFIED]},
    }, ("dinsos",)),
    ("pelatihan-keamanan-pangan", {
        "name": "Pelatihan keamanan pangan",
        "description": "Pelatihan higiene dan keamanan pangan bagi warung makan, katering dan olahan pangan "
                       "(matriks aksi no. 2 dan 10).",
        "source": "regency", "kind": "training", "benefit_item": "Pelatihan 2 hari", "quota": 300,
        "budget": 90_000_000, "starts_on": D(2020, 8, 1), "ends_on": D(2021, 12, 31), "status": "open",
        "rules": {"conditions": [_groups(2, 10), _VERIFIED]},
    }, ("dinkes", "dkpp")),
    ("pemasaran-daring", {
        "name": "Pendampingan pemasaran daring",
        "description": "Bantuan beralih ke pasar daring: WhatsApp, media sosial, marketplace (matriks aksi "
                       "no. 2, 3, 4, 6, 8, 9, 10).",
        "source": "regency", "kind": "marketing", "benefit_item": "Pendampingan pemasaran daring", "quota": 500,
        "starts_on": D(2020, 8, 1), "ends_on": D(2021, 12, 31), "status": "open",
        "rules": {"conditions": [_groups(2, 3, 4, 6, 8, 9, 10), _VERIFIED]},
    }, ("diskopum", "disperindag", "diskominfo")),
    ("sertifikasi-pirt-halal", {
        "name": "Fasilitasi P-IRT, halal dan uji gizi",
        "description": "Perizinan P-IRT/BPOM, sertifikasi halal dan uji nilai gizi untuk olahan pangan "
                       "(matriks aksi no. 10).",
        "source": "regency", "kind": "certification", "benefit_item": "Sertifikat P-IRT/halal", "quota": 200,
        "starts_on": D(2020, 9, 1), "ends_on": D(2021, 12, 31), "status": "open",
        "rules": {"conditions": [_groups(10), _VERIFIED]},
    }, ("dinkes", "dpmptsp", "disperindag")),
    ("pelatihan-keterampilan", {
        "name": "Pelatihan keterampilan, sertifikasi kompetensi, BCP dan DRP",
        "description": "Pelatihan keterampilan dan sertifikasi bagi kriya, konveksi, salon dan olahan pangan, "
                       "termasuk menyusun rencana keberlangsungan usaha (matriks aksi no. 4, 8, 9, 10).",
        "source": "regency", "kind": "training", "benefit_item": "Pelatihan dan sertifikasi", "quota": 400,
        "starts_on": D(2020, 9, 1), "ends_on": D(2021, 12, 31), "status": "open",
        "rules": {"conditions": [_groups(4, 8, 9, 10), _VERIFIED]},
    }, ("disnaker", "disperindag", "diskopum")),
    ("budikdamber", {
        "name": "Budidaya ikan lele dan kangkung dalam ember (budikdamber)",
        "description": "Paket ember, bibit lele dan kangkung bagi buruh tani dan nelayan (matriks aksi no. 5).",
        "source": "regency", "kind": "equipment", "benefit_item": "Paket budikdamber", "quota": 250,
        "budget": 62_500_000, "starts_on": D(2020, 8, 1), "ends_on": D(2021, 6, 30), "status": "open",
        "rules": {"conditions": [_groups(5), _VERIFIED]},
    }, ("distan", "dkpp", "diskan")),
)
