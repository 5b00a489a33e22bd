"""The regency agencies (OPD) that the plan's action matrix names, seeded on migrate.

Names follow the usual nomenclature of a kabupaten's perangkat daerah; a regency whose
OPD are merged or named otherwise edits them in the admin (codes stay stable).
"""

# (code, name, short name, the matrix's English label). Codes are what programmes and
# the action matrix refer to.
REGENCY_AGENCIES: tuple[tuple[str, str, str, str], ...] = (
    ("dinsos", "Dinas Sosial", "Dinsos", "Social Affairs"),
    ("dinkes", "Dinas Kesehatan", "Dinkes", "Health"),
    ("dkpp", "Dinas Peternakan dan Ketahanan Pangan", "DKPP", "Livestock & Food Security"),
    ("diskopum", "Dinas Koperasi dan Usaha Mikro", "Diskop UM", "Cooperatives & SME"),
    ("disperindag", "Dinas Perindustrian dan Perdagangan", "Disperindag", "Industry & Trade"),
    ("diskominfo", "Dinas Komunikasi dan Informatika", "Diskominfo", "Communication & Informatics"),
    ("disnaker", "Dinas Tenaga Kerja", "Disnaker", "Manpower"),
    ("distan", "Dinas Pertanian", "Distan", "Agriculture"),
    ("diskan", "Dinas Perikanan", "Diskan", "Fisheries"),
    ("dishub", "Dinas Perhubungan", "Dishub", "Transportation"),
    ("dpmptsp", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP", "Investment & One-Stop Service"),
    ("bappeda", "Badan Perencanaan Pembangunan Daerah", "BAPPEDA", "Planning (coordination)"),
    ("perekonomian", "Bagian Perekonomian Sekretariat Daerah", "Bag. Perekonomian", "Economy Bureau (coordination)"),
)
