"""Synthetic registrants of a regency: people, their businesses and koperasi.

Pure Python and deterministic for a seed. Names, places and businesses follow what
registration lists of Kabupaten Pasuruan look like: Javanese, Madurese and
Muslim-Arabic names, written the many ways people and officers write them (Moch. or
Muhammad, Siti or St., old Dutch-era spellings, H./Hj., capitals, stray spaces).

Every row keeps the ground truth: ``entity_id`` names the real person, so a
deduplication benchmark can score itself on the same generator. ``duplicate_rate``
adds second registrations of the same person with the errors real lists carry, and
households add different people who share an address, phone or surname.
"""

import bisect
import dataclasses
import itertools
import random
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta

from geliat.registry.models import AffectedGroup, Channel, Impact, KbliSection, Koperasi
from geliat.registry.nik import nik_make
from geliat.wilayah.text import name_key

# Ages are counted at this date so the output does not change from day to day.
AS_OF = date(2026, 1, 1)


def age_at_as_of(born: date) -> int:
    """Age in whole years on ``AS_OF``."""
    return AS_OF.year - born.year - ((AS_OF.month, AS_OF.day) < (born.month, born.day))


# Errors a duplicate row can carry.
NIK_TYPO = "nik_typo"
NIK_TRANSPOSITION = "nik_transposition"
NIK_ZEROED = "nik_zeroed"  # a number cell turned the 16th digit into 0
DATE_SWAP = "date_swap"  # day and month swapped
NAME_VARIANT = "name_variant"
DESA_SPELLING = "desa_spelling"
NIK_ERRORS = frozenset({NIK_TYPO, NIK_TRANSPOSITION, NIK_ZEROED})
_ERROR_WEIGHTS = {NIK_TYPO: 20, NIK_TRANSPOSITION: 12, NIK_ZEROED: 10, DATE_SWAP: 10, NAME_VARIANT: 35, DESA_SPELLING: 13}


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


# Name parts by tradition and sex. "|" separates entries so multi-word parts stay whole.
JAVANESE_M_FIRST = _words("Slamet|Sugeng|Bambang|Agus|Eko|Joko|Heri|Budi|Didik|Teguh|Hadi|Bagus|Wahyu|Yudi|Catur|Dwi|Tri|Edi|Hari|Rudi|Arif|Andik|Puji|Sapto")
JAVANESE_M_LAST = _words("Riyadi|Santoso|Prasetyo|Wibowo|Purnomo|Susilo|Hartono|Setiawan|Hidayat|Utomo|Saputro|Kurniawan|Wijaya|Gunawan|Sugiarto|Sutrisno|Cahyono|Wahyudi|Pramono|Suyanto|Hariyanto|Subagyo|Widodo|Nugroho")
JAVANESE_M_SINGLE = _words("Suparman|Sutrisno|Mulyono|Suyitno|Wagiman|Sukarji|Paimin|Supriyadi|Hariyanto|Sugiono|Kasiadi|Sumarno|Poniman|Tukiman|Sukardi|Ngadiman|Sunarto|Jumadi|Paidi|Suwaji|Kateni|Karyono|Sujono|Supardi")
JAVANESE_F_FIRST = _words("Sri|Endang|Tri|Dwi|Puji|Lilik|Rini|Yuli|Eni|Tutik|Sulis|Ika|Nanik|Anik|Yayuk|Kustini|Umi|Dewi")
JAVANESE_F_LAST = _words("Wahyuni|Rahayu|Lestari|Astuti|Handayani|Susilowati|Wahyuningsih|Ningsih|Rahmawati|Suryani|Kusumawati|Indrawati|Mulyani|Sulistyowati|Purwanti|Setyowati|Utami|Suprihatin")
JAVANESE_F_SINGLE = _words("Sumiati|Suparmi|Sulastri|Kasmini|Ngatini|Sumarni|Winarti|Suwarni|Partini|Tumini|Katmi|Sarmi|Mujiati|Painem|Sriatun|Suliha|Ernawati|Juwariyah|Sunarsih|Rukmini")
ARABIC_M_PREFIX = _words("Muhammad|Ahmad")
ARABIC_M_CORE = _words("Sholeh|Fauzi|Yusuf|Ridwan|Hasan|Husain|Ali Mashuri|Syafi'i|Kholil|Anwar|Zainuddin|Syaifuddin|Arifin|Mansur|Ikhsan|Ridho|Munir|Nasih|Fadholi|Thohir|Rofi'i|Chusairi|Ilyas|Ma'ruf|Sholikhin|Junaidi|Ghozali")
ARABIC_M_COMPOUND = _words("Khoirul Anam|Miftahul Huda|Syamsul Arifin|Zainal Abidin|Nur Kholis|Saiful Bahri|Ainul Yaqin|Fathur Rozi|Nurul Huda|Imam Syafi'i|Hasan Basri|Lutfi Hakim|Misbahul Munir|Abdullah|Mustofa|Masrukhin|Mukhlis|Kholilurrohman|Nur Hadi|Choirul Umam")
ABDUL_CORE = _words("Rochim|Ghofur|Wahid|Qodir|Rochman|Aziz|Karim|Malik|Majid|Hamid|Latif|Kholiq|Mu'in|Somad|Rozak|Hadi|Jalil|Rosyid")
ARABIC_F_PREFIX = _words("Siti|Nur|Umi|Siti Nur")
ARABIC_F_CORE = _words("Aisyah|Hasanah|Aminah|Khotijah|Fatimah|Maisaroh|Rohmah|Komariyah|Zulaikha|Mahmudah|Musyarofah|Kulsum|Mufidah|Munawaroh|Sholihah|Badriyah|Maslahah|Qomariyah|Rofi'ah|Halimah|Romlah|Muslimah|Khoiriyah|Chalimah")
ARABIC_F_COMPOUND = _words("Nurul Hidayah|Lailatul Fitriyah|Khoirun Nisa'|Chusnul Chotimah|Faridatul Husna|Nurul Jannah|Ummu Hani'|Lailatul Qodriyah|Anik Mahmudah|Ainun Jariyah|Nur Laili|Umi Kulsum|Musyarofah|Mas'udah|Rohmatul Ummah")
MADURESE_M = _words("Matsari|Sunari|Musahwi|Juma'in|Bunadi|Hosnan|Bahrawi|Marsuki|Jumali|Asmuni|Holil|Samsuri|Maksum|Sukri|Busiri|Rasid|Suhaimi|Nawawi|Sahri|Mistari|Misdi|Sanawi|Hasyim|Buhari|Moh. Hosen|Abd. Rahem|Mat Sahri|Mat Rawi|Ach. Holili|Moh. Sahlan")
MADURESE_F = _words("Misnati|Hosniyah|Maimunah|Buniyah|Mistiyah|Salamah|Juma'ati|Marwiyah|Atikah|Hatija|Sunarti|Suhriyah|Sumrati|Nahwiyah|Sari'ah|Ruqoyyah|Sittiyah|Munawaroh|Hamidah|Sa'diyah")
MODERN_M = _words("Rizky|Dimas|Andi|Fajar|Yoga|Dani|Reza|Ilham|Fikri|Rizal|Bayu|Hendra|Rendy|Aditya|Firman|Alfian|Dwi Cahyo|Ferdi|Rico|Nanda")
MODERN_F = _words("Dewi|Rina|Fitri|Novi|Indah|Ayu|Putri|Dian|Rani|Nia|Wulan|Intan|Lia|Eka|Siska|Vina|Anisa|Nurul|Elok|Devi")
# Parts a child does not inherit as a family name.
_NOT_SURNAME = frozenset(ARABIC_M_PREFIX + ("Nur", "Abdul", "Siti", "Moh.", "Mat", "Abd.", "Ach."))

# Coastal kecamatan of Kabupaten Pasuruan with a large Madurese population.
MADURESE_KECAMATAN = frozenset({"35.14.16", "35.14.20", "35.14.21", "35.14.22", "35.14.23"})
BIRTH_PLACES = _words(
    "Surabaya|Malang|Probolinggo|Sidoarjo|Mojokerto|Lumajang|Jember|Bangil|Pandaan|Gempol|Purwosari|"
    "Grati|Lekok|Nguling|Rejoso|Kraton|Bangkalan|Sampang|Pamekasan|Sumenep|Banyuwangi|Kediri|Blitar|"
    "Jombang|Situbondo|Jakarta"
)
DUSUN_NAMES = _words("Krajan|Sumbersari|Wonorejo|Kedungrejo|Tegalsari|Karanganyar|Ngemplak|Kebonsari|Sukorejo|Gondang|Jambangan|Tanjung|Kalisari|Pandean|Kauman|Ngampel|Bendungan|Klampok|Sumberejo|Kramat|Tambakan|Ledok|Gempeng|Bulusari")
STREETS = _words("Raya|Masjid|Pahlawan|Diponegoro|Untung Suropati|KH. Hasyim Asy'ari|Sultan Agung|Ahmad Yani|Mawar|Melati|Kenanga|Anggrek|Pattimura|Imam Bonjol|Balai Desa|Pesantren|Makam|Kartini|Gajah Mada|Wahid Hasyim|Sudirman|Veteran")
BRANDS = _words("Barokah|Berkah Jaya|Sumber Rejeki|Makmur|Sido Mulyo|Al-Hidayah|Rizki Abadi|Lancar Jaya|Mandiri|Sejahtera|Sumber Makmur|Jaya Abadi|Amanah|Nur Ilahi|Dua Putri|Karya Mandiri|Tunas Harapan|Sinar Jaya|Sari Rasa|Putra Bangsa|Maju Jaya|Al-Ikhlas|Rahmat|Sakinah")
PHONE_PREFIXES = _words("811|812|813|821|822|823|851|852|853|814|815|816|855|856|857|858|817|818|819|859|877|878|831|832|838|895|896|897|898|881|882|887")

# Per affected group: (name template, KBLI section, products). In templates {h} is an
# honorific (Bu, Pak, Cak, Mak…), {n} the owner's call name, {b} a brand.
_S = KbliSection
_KINDS = {
    AffectedGroup.VULNERABLE: (
        ("Warung {h} {n}", _S.G, "kopi, rokok eceran, jajanan"),
        ("Jamu Gendong {h} {n}", _S.C, "jamu kunyit asam, beras kencur"),
        ("Jualan Sayur {h} {n}", _S.G, "sayur mayur, tempe, tahu"),
        ("Nasi Bungkus {h} {n}", _S.I, "nasi bungkus, gorengan"),
    ),
    AffectedGroup.FOOD_STALL: (
        ("Warung {h} {n}", _S.I, "nasi campur, es teh, kopi"),
        ("Warung Makan {b}", _S.I, "nasi pecel, rawon, soto ayam"),
        ("Depot {b}", _S.I, "nasi goreng, mie goreng, es jeruk"),
        ("Katering {b}", _S.I, "nasi kotak, tumpeng, snack hajatan"),
        ("Rujak Cingur {h} {n}", _S.I, "rujak cingur, lontong kupang"),
        ("Sate Kambing {h} {n}", _S.I, "sate kambing, gule"),
        ("Warung Kopi {h} {n}", _S.I, "kopi tubruk, mie instan, gorengan"),
        ("Bakso {b}", _S.I, "bakso, mie ayam"),
    ),
    AffectedGroup.STREET_VENDOR: (
        ("Pentol {h} {n}", _S.I, "pentol, cilok"),
        ("Es Degan {h} {n}", _S.I, "es degan, es campur"),
        ("Gorengan {h} {n}", _S.I, "ote-ote, tahu isi, pisang goreng"),
        ("Tahu Campur {h} {n}", _S.I, "tahu campur, tahu tek"),
        ("Buah Potong {h} {n}", _S.G, "buah potong, rujak buah"),
        ("Terang Bulan {b}", _S.I, "terang bulan, martabak telur"),
        ("Pedagang Mainan {h} {n}", _S.G, "mainan anak, balon"),
    ),
    AffectedGroup.CRAFT: (
        ("Kerajinan Bambu {b}", _S.C, "kursi bambu, tampah, besek"),
        ("Mebel Ukir {b}", _S.C, "kursi ukir, lemari, pintu ukir"),
        ("Anyaman Pandan {h} {n}", _S.C, "tikar pandan, tas anyaman"),
        ("Batik Tulis {b}", _S.C, "kain batik tulis, kemeja batik"),
        ("Kerajinan Kayu {b}", _S.C, "hiasan kayu, gantungan kunci"),
    ),
    AffectedGroup.FARM_FISH_LABOUR: (
        ("Buruh Tani {h} {n}", _S.A, "tanam dan panen padi, jagung"),
        ("Nelayan {h} {n}", _S.A, "ikan laut, kerang"),
        ("Tambak {b}", _S.A, "bandeng, udang"),
        ("Ternak Kambing {h} {n}", _S.A, "kambing, pupuk kandang"),
        ("Sapi Perah {h} {n}", _S.A, "susu sapi segar"),
        ("Tani Sayur {b}", _S.A, "kubis, wortel, bawang prei"),
    ),
    AffectedGroup.SMALL_SHOP: (
        ("Toko {b}", _S.G, "sembako, minyak goreng, gula, beras"),
        ("Pracangan {h} {n}", _S.G, "sembako, sabun, rokok"),
        ("Mlijo {h} {n}", _S.G, "sayur, ikan, bumbu dapur"),
        ("UD {b}", _S.G, "beras, pupuk, pakan ternak"),
        ("Toko Kelontong {b}", _S.G, "barang kelontong, pulsa"),
    ),
    AffectedGroup.OJEK_BECAK: (
        ("Ojek {h} {n}", _S.H, "jasa ojek"),
        ("Becak {h} {n}", _S.H, "jasa becak"),
        ("Ojek Pangkalan {h} {n}", _S.H, "jasa ojek, antar barang"),
        ("Angkutan {b}", _S.H, "sewa pick up, angkut barang"),
    ),
    AffectedGroup.GARMENT: (
        ("Konveksi {b}", _S.C, "baju muslim, seragam sekolah"),
        ("Penjahit {h} {n}", _S.C, "jahit baju, permak"),
        ("Bordir {b}", _S.C, "kerudung bordir, mukena bordir"),
        ("Jahit {h} {n}", _S.C, "jahit kebaya, seragam"),
    ),
    AffectedGroup.SALON: (
        ("Salon {b}", _S.S, "potong rambut, creambath"),
        ("Salon {h} {n}", _S.S, "potong rambut, rias"),
        ("Rias Pengantin {b}", _S.S, "rias pengantin, sewa baju"),
        ("Pangkas Rambut {b}", _S.S, "potong rambut pria"),
    ),
    AffectedGroup.PROCESSED_FOOD: (
        ("Keripik Singkong {h} {n}", _S.C, "keripik singkong, keripik pisang"),
        ("Kerupuk {b}", _S.C, "kerupuk udang, kerupuk ikan"),
        ("Tempe {h} {n}", _S.C, "tempe, keripik tempe"),
        ("Tahu {b}", _S.C, "tahu putih, tahu kuning"),
        ("Kue Kering {b}", _S.C, "nastar, kastengel, putri salju"),
        ("Sambal {h} {n}", _S.C, "sambal bawang, sambal teri"),
        ("Bipang {b}", _S.C, "bipang jangkar, jipang"),
        ("Ikan Asap {h} {n}", _S.C, "ikan asap, ikan asin"),
        ("Sari Apel {b}", _S.C, "sari apel, keripik apel"),
    ),
}
BUSINESS_KINDS: dict[int, tuple[tuple[str, str, str], ...]] = {
    int(group): tuple((template, section.value, products) for template, section, products in kinds)
    for group, kinds in _KINDS.items()
}
# Share of owners in each group by sex; group 1 (vulnerable) is given by age instead.
GROUP_WEIGHTS = {
    "L": {1: 0, 2: 12, 3: 16, 4: 6, 5: 14, 6: 12, 7: 16, 8: 6, 9: 1, 10: 10},
    "P": {1: 0, 2: 24, 3: 12, 4: 4, 5: 6, 6: 20, 7: 1, 8: 8, 9: 7, 10: 18},
}
# Typical monthly revenue before the pandemic, in Rupiah.
REVENUE_MEDIAN = {1: 1_500_000, 2: 9_000_000, 3: 4_000_000, 4: 8_000_000, 5: 2_500_000,
                  6: 12_000_000, 7: 3_000_000, 8: 15_000_000, 9: 6_000_000, 10: 8_000_000}
EMPLOYEES_MAX = {1: 0, 2: 4, 3: 1, 4: 6, 5: 2, 6: 3, 7: 0, 8: 15, 9: 3, 10: 8}
IMPACT_NOTES = (
    "Sepi pembeli sejak PPKM.",
    "Pasar ditutup beberapa minggu.",
    "Sekolah libur, pembeli anak sekolah tidak ada.",
    "Pesanan hajatan banyak yang batal.",
    "Harga bahan baku naik, untung tipis.",
    "Angsuran ke bank belum bisa dibayar.",
    "Tidak bisa berjualan keliling.",
)
KOPERASI_NAMES = {
    Koperasi.Type.SAVINGS: ("KSP {b}", "KSPPS BMT {b}", "Koperasi Wanita {b}"),
    Koperasi.Type.CONSUMER: ("Koperasi Konsumen {b}", "Kopontren {b}"),
    Koperasi.Type.PRODUCER: ("KUD {b}", "Koperasi Produsen Susu {b}", "Koperasi Tani {b}"),
    Koperasi.Type.MARKETING: ("Koperasi Pemasaran {b}", "Koperasi Nelayan {b}"),
    Koperasi.Type.SERVICES: ("Koperasi Jasa {b}", "Koperasi Angkutan {b}"),
}

# Plain values for the hot loop (enum member access is slow).
_VULNERABLE = int(AffectedGroup.VULNERABLE)
_GROUPS = tuple(range(1, 11))
_GROUP_CUMULATIVE = {sex: tuple(itertools.accumulate(weights[g] for g in _GROUPS)) for sex, weights in GROUP_WEIGHTS.items()}
_CLOSED, _SALES_DROP, _LAYOFF, _OTHER = (i.value for i in (Impact.CLOSED, Impact.SALES_DROP, Impact.LAYOFF, Impact.OTHER))
_OTHER_IMPACTS = tuple(i.value for i in (Impact.SUPPLY, Impact.DISTRIBUTION, Impact.CAPITAL, Impact.CREDIT))
_CHANNELS = (Channel.IMPORT.value, Channel.OFFICER.value, Channel.SELF.value)
_CHANNEL_CUMULATIVE = (55, 85, 100)
_NUMBER_FORMATS = ("{:02d}", "{:02d}", "{:03d}", "{}")  # RT 3 written as 03, 003 or 3


@dataclasses.dataclass(slots=True, frozen=True)
class SyntheticKoperasi:
    key: int
    name: str
    type: str
    legal_number: str
    members: int
    address: str


@dataclasses.dataclass(slots=True)
class SyntheticRecord:
    """One registration row: a person (as written on this row) and one business."""

    entity_id: int  # the real person; equal on all rows of that person
    household_id: int
    is_duplicate: bool  # a repeated registration of a business already listed
    # The errors put into a duplicate row (see the constants); the spelling noise every
    # row gets (capitals, Moch./Muhammad…) comes on top and is not listed.
    errors: tuple[str, ...]
    nik: str
    full_name: str
    sex: str
    birth_place: str
    birth_date: date
    phone: str
    address: str
    rt: str
    rw: str
    desa_code: str
    desa_name: str  # as written; "" when no names were given
    business_name: str
    affected_group: int
    kbli_section: str
    capital: int | None
    annual_sales: int | None
    employees_before: int
    employees_now: int
    revenue_before: int
    revenue_now: int
    impacts: list[str]
    impact_note: str
    products: str
    business_address: str
    channel: str
    koperasi: SyntheticKoperasi | None = None  # the koperasi this person chairs
    koperasi_key: int | None = None  # the koperasi the business is a member of


@dataclasses.dataclass(slots=True)
class _Person:
    entity_id: int
    name: str
    sex: str
    birth_date: date
    birth_place: str
    nik: str
    phone: str


# --- writing a name the ways lists write it ---------------------------------------

_MUHAMMAD = ("Muhammad", "Mohammad", "Mochammad", "Moch.", "Moh.", "M.", "Muhamad", "Mohamad", "Mokhammad", "Much.")
_AHMAD = ("Ahmad", "Achmad", "Akhmad", "Ach.")
_ABDUL = ("Abdul", "Abd.", "Abdoel")
_SITI = ("Siti", "St.", "Sitti")
_NUR = ("Nur", "Noor", "Noer")
_FAMILIES = {word: family for family in (_MUHAMMAD, _AHMAD, _ABDUL, _SITI, _NUR) for word in family}
_OLD = {"u": "oe", "U": "Oe", "j": "dj", "J": "Dj", "c": "tj", "C": "Tj", "y": "j", "Y": "J"}
_OLD_RE = re.compile(r"[uUjJyY]|[cC](?!h)")
_CH_KH = re.compile(r"(?i)kh|ch(?=[aiueo])")
_SYLLABLE = re.compile(r"[^aiueo]*[aiueo]+(?:[^aiueo]+$|[^aiueo](?=[^aiueo]))?")


def _swap_prefix(name: str, rng: random.Random) -> str:
    tokens = name.split(" ")
    spots = [i for i, token in enumerate(tokens) if token in _FAMILIES]
    if not spots:
        return name
    i = rng.choice(spots)
    tokens[i] = rng.choice(_FAMILIES[tokens[i]])
    return " ".join(tokens)


def _old_spelling(name: str, rng: random.Random) -> str:
    return _OLD_RE.sub(lambda match: _OLD[match.group()], name)


def _ch_kh(name: str, rng: random.Random) -> str:
    def swap(match: re.Match) -> str:
        new = rng.choice(("kh", "ch", "h"))
        return new.capitalize() if match.group()[0].isupper() else new

    return _CH_KH.sub(swap, name)


def _spacing(name: str, rng: random.Random) -> str:
    tokens = name.split(" ")
    joinable = [i for i in range(len(tokens) - 1) if not tokens[i].endswith(".")]
    if joinable and rng.random() < 0.5:
        i = rng.choice(joinable)
        joined = tokens[i] + tokens[i + 1].lower()  # "Nur Hasanah" → "Nurhasanah"
        return " ".join(tokens[:i] + [joined] + tokens[i + 2:])
    return rng.choice(("  ", " ")).join(tokens) + rng.choice(("", " "))


def _apostrophe(name: str, rng: random.Random) -> str:
    return name.replace("'", rng.choice(("", "`", "’")))


def _drop_middle(name: str, rng: random.Random) -> str:
    tokens = name.split(" ")
    return " ".join(tokens[:1] + tokens[2:]) if len(tokens) > 2 else name


def _typo(name: str, rng: random.Random) -> str:
    """A slip of the keyboard: a letter doubled, dropped or swapped with the next."""
    spots = [i for i in range(1, len(name) - 1) if name[i].isalpha() and name[i + 1].isalpha()]
    if not spots:
        return name
    i = rng.choice(spots)
    slip = rng.random()
    if slip < 0.4:
        return name[:i] + name[i] + name[i:]
    if slip < 0.7:
        return name[:i] + name[i + 1:]
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


def _case(name: str, rng: random.Random) -> str:
    return name.upper() if rng.random() < 0.85 else name.lower()


_NOISE = (_swap_prefix, _swap_prefix, _old_spelling, _ch_kh, _spacing, _apostrophe)
_DUPLICATE_NOISE = (*_NOISE, _drop_middle, _typo, _case)


def call_name(name: str, rng: random.Random) -> str:
    """What neighbours call someone: "Sumiati" → "Sumiati", "Miati" or "Ti"."""
    tokens = [t for t in name.split(" ") if t not in _NOT_SURNAME] or name.split(" ")
    word = tokens[0].replace("'", "")
    syllables = _SYLLABLE.findall(word.lower())
    roll = rng.random()
    if len(syllables) > 2 and roll < 0.25:
        return "".join(syllables[-2:]).capitalize()
    if len(syllables) > 1 and roll < 0.4:
        return syllables[-1].capitalize()
    return word


# --- the generator ----------------------------------------------------------------


def _money(amount: float, step: int) -> int:
    """Rounded to ``step`` Rupiah, at least one step."""
    return max(step, round(amount / step) * step)


class _Random(random.Random):
    """``random.Random`` with float-based choice and randint: several times faster than the
    bit-exact originals, which dominate the run time here; the tiny bias is harmless."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def weighted(self, population, cum_weights):
        """One item, drawn with the given cumulative weights."""
        return population[bisect.bisect(cum_weights, self.random() * cum_weights[-1])]


class _Generator:
    def __init__(self, *, seed: int, desa_codes: Sequence[str], desa_names: Mapping[str, str],
                 desa_aliases: Mapping[str, Sequence[str]]):
        self.rng = _Random(seed)
        self.desa_codes = list(desa_codes)
        self.kecamatan_codes = sorted({code.rsplit(".", 1)[0] for code in self.desa_codes})
        self.desa_names = desa_names
        self.desa_aliases = desa_aliases
        self.serials: dict[tuple[str, date, str], int] = {}
        self.next_entity = 0
        self.next_koperasi = 0
        self.koperasi_by_kecamatan: dict[str, list[int]] = {}

    # people

    def _age(self, old_share: float) -> int:
        roll = self.rng.random()
        if roll < old_share:
            return self.rng.randint(65, 80)
        if roll < old_share + 0.06:
            return self.rng.randint(18, 24)
        return self.rng.randint(25, 64)

    def _birth_date(self, age: int) -> date:
        # Born between the day after (age+1) years before AS_OF and age years before it.
        latest = AS_OF.replace(year=AS_OF.year - age)
        earliest = AS_OF.replace(year=AS_OF.year - age - 1) + timedelta(days=1)
        return earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def _name(self, culture: str, sex: str) -> str:
        rng = self.rng
        if culture == "madurese":
            return rng.choice(MADURESE_M if sex == "L" else MADURESE_F)
        if culture == "javanese":
            if sex == "L":
                return rng.choice(JAVANESE_M_SINGLE) if rng.random() < 0.4 else f"{rng.choice(JAVANESE_M_FIRST)} {rng.choice(JAVANESE_M_LAST)}"
            return rng.choice(JAVANESE_F_SINGLE) if rng.random() < 0.45 else f"{rng.choice(JAVANESE_F_FIRST)} {rng.choice(JAVANESE_F_LAST)}"
        roll = rng.random()
        if sex == "L":
            if roll < 0.2:
                return f"Abdul {rng.choice(ABDUL_CORE)}"
            if roll < 0.55:
                return f"{rng.choice(ARABIC_M_PREFIX)} {rng.choice(ARABIC_M_CORE)}"
            return rng.choice(ARABIC_M_COMPOUND) if roll < 0.8 else rng.choice(ARABIC_M_CORE)
        if roll < 0.6:
            return f"{rng.choice(ARABIC_F_PREFIX)} {rng.choice(ARABIC_F_CORE)}"
        return rng.choice(ARABIC_F_COMPOUND) if roll < 0.85 else rng.choice(ARABIC_F_CORE)

    def _child_name(self, sex: str, father: str) -> str:
        rng = self.rng
        given = rng.choice(MODERN_M if sex == "L" else MODERN_F)
        if sex == "L" and rng.random() < 0.3:
            given = f"{rng.choice(ARABIC_M_PREFIX)} {given}"
        last = father.split(" ")[-1]
        if " " in father and last not in _NOT_SURNAME and rng.random() < 0.6:
            return f"{given} {last}"
        return f"{given} {rng.choice(JAVANESE_M_LAST if sex == 'L' else JAVANESE_F_LAST)}"

    def _phone(self) -> str:
        rng = self.rng
        digits = rng.randint(7, 9)
        return f"+62{rng.choice(PHONE_PREFIXES)}{rng.randint(10 ** (digits - 1), 10 ** digits - 1)}"

    def _nik(self, home_kecamatan: str, birth_date: date, sex: str) -> str:
        # Most keep the NIK of the kecamatan they live in; movers keep their old one.
        kecamatan = home_kecamatan if self.rng.random() < 0.9 else self.rng.choice(self.kecamatan_codes)
        key = (kecamatan, birth_date, sex)
        serial = self.serials.get(key, 0) + 1
        self.serials[key] = serial
        return nik_make(kecamatan_code=kecamatan, birth_date=birth_date, sex=sex, serial=serial)

    def _person(self, *, culture: str, sex: str, age: int, kecamatan: str, name: str | None = None,
                phone: str | None = None, born: date | None = None) -> _Person:
        rng = self.rng
        birth_date = born or self._birth_date(age)
        roll = rng.random()
        birth_place = "Pasuruan" if roll < 0.55 else rng.choice(BIRTH_PLACES)
        if culture == "madurese" and roll > 0.85:
            birth_place = rng.choice(("Bangkalan", "Sampang", "Pamekasan", "Sumenep"))
        if phone is None:
            phone = "" if rng.random() < 0.08 else self._phone()
        self.next_entity += 1
        return _Person(
            entity_id=self.next_entity,
            name=name or self._name(culture, sex),
            sex=sex,
            birth_date=birth_date,
            birth_place=birth_place,
            nik=self._nik(kecamatan, birth_date, sex),
            phone=phone,
        )

    def _culture(self, kecamatan: str) -> str:
        roll = self.rng.random()
        madurese = 0.45 if kecamatan in MADURESE_KECAMATAN else 0.12
        if roll < madurese:
            return "madurese"
        return "arabic" if roll < madurese + (1 - madurese) / 2 else "javanese"

    def _household(self, size: int, desa_code: str) -> list[_Person]:
        """Members who live together: a head, a spouse, then grown children."""
        rng = self.rng
        kecamatan = desa_code.rsplit(".", 1)[0]
        culture = self._culture(kecamatan)
        head_sex = "L" if size > 1 or rng.random() < 0.5 else "P"
        head_age = self._age(0.3 if size == 1 else 0.1)
        if size > 2:
            head_age = max(head_age, 40 + rng.randint(0, 25))
        head = self._person(culture=culture, sex=head_sex, age=head_age, kecamatan=kecamatan)
        members = [head]
        if size > 1:
            spouse_age = min(80, max(18, head_age - rng.randint(-2, 8)))
            # Spouses often share one phone.
            phone = head.phone if rng.random() < 0.35 else None
            members.append(self._person(culture=culture, sex="P", age=spouse_age, kecamatan=kecamatan, phone=phone))
        twins_born = None
        for _ in range(size - 2):
            born_year = min(m.birth_date for m in members[:2]).year + rng.randint(20, 30)
            age = AS_OF.year - born_year
            if age < 18:
                break
            sex = rng.choice("LP")
            # Twins share birth date and kecamatan: same-sex twins' NIKs differ only in the serial.
            born = twins_born if twins_born and rng.random() < 0.5 else None
            child = self._person(culture=culture, sex=sex, age=age, kecamatan=kecamatan,
                                 name=self._child_name(sex, head.name), born=born)
            twins_born = child.birth_date
            members.append(child)
        return members

    # places

    def _desa_name(self, desa_code: str, *, misspelt: bool) -> str:
        name = self.desa_names.get(desa_code, "")
        if not misspelt or not name:
            return name
        old = self.desa_aliases.get(desa_code)
        if old:
            return self.rng.choice(list(old))
        variants = [name.replace("-", " "), name.upper(), f"Ds. {name}", _old_spelling(name, self.rng)]
        return self.rng.choice([v for v in variants if v != name] or [name.lower()])

    def _address(self) -> str:
        rng = self.rng
        roll = rng.random()
        number = rng.randint(1, 120)
        if roll < 0.4:
            return f"Jl. {rng.choice(STREETS)} No. {number}"
        if roll < 0.65:
            return f"Dusun {rng.choice(DUSUN_NAMES)}" + (f" No. {number}" if rng.random() < 0.3 else "")
        if roll < 0.75:
            return f"Dsn. {rng.choice(DUSUN_NAMES)}"
        if roll < 0.95:
            return f"Gg. {rng.choice(STREETS)} {rng.choice(('', 'I', 'II', 'III'))} No. {number}".replace("  ", " ")
        return f"Perum {rng.choice(BRANDS)} Blok {rng.choice('ABCDEF')}-{rng.randint(1, 30)}"

    def _unit_numbers(self, desa_code: str) -> tuple[int, int]:
        # A fixed number of RWs and RTs per desa so units repeat as in a real village.
        size = int(desa_code.rsplit(".", 1)[-1])
        rw = self.rng.randint(1, 2 + size % 6)
        return rw, self.rng.randint(1, 3 + (size + rw) % 4)

    def _written_number(self, number: int) -> str:
        return self.rng.choice(_NUMBER_FORMATS).format(number)

    # businesses

    def _business(self, person: _Person, *, alone: bool) -> dict:
        rng = self.rng
        age = age_at_as_of(person.birth_date)
        if age >= 65 and rng.random() < (0.6 if alone else 0.2):
            group = _VULNERABLE
        else:
            group = rng.weighted(_GROUPS, _GROUP_CUMULATIVE[person.sex])
        template, section, products = rng.choice(BUSINESS_KINDS[group])
        if age >= 65:
            honorific = "Mbah"
        elif person.sex == "L":
            honorific = rng.choice(("Pak", "Pak", "Cak", "Pak H.") if age >= 40 else ("Cak", "Mas", "Pak"))
        else:
            honorific = rng.choice(("Bu", "Bu", "Mak", "Bu Hj.") if age >= 40 else ("Mbak", "Bu"))
        name = template.format(h=honorific, n=call_name(person.name, rng), b=rng.choice(BRANDS))

        revenue_before = _money(REVENUE_MEDIAN[group] * rng.lognormvariate(0, 0.6) * (10 if rng.random() < 0.02 else 1), 50_000)
        roll = rng.random()
        if roll < 0.1:
            revenue_now = 0
        elif roll < 0.9:
            revenue_now = _money(revenue_before * rng.uniform(0.1, 0.8), 50_000)
        else:
            revenue_now = _money(revenue_before * rng.uniform(0.9, 1.2), 50_000)
        capital = _money(revenue_before * rng.uniform(0.5, 4), 100_000)
        annual_sales = _money(revenue_before * 12 * rng.uniform(0.8, 1.1), 100_000)
        scale = rng.random()
        if scale < 0.003:  # a rare medium business (PP 7/2021 class)
            capital = rng.randint(51, 95) * 100_000_000
        elif scale < 0.02:
            capital = rng.randint(11, 45) * 100_000_000
        employees_before = rng.randint(0, EMPLOYEES_MAX[group])
        impacts = []
        if revenue_now == 0:
            impacts.append(_CLOSED)
            employees_now = 0
        else:
            employees_now = employees_before - (rng.randint(0, employees_before) if rng.random() < 0.5 else 0)
        if revenue_now < revenue_before * 0.9:
            impacts.append(_SALES_DROP)
        if employees_now < employees_before:
            impacts.append(_LAYOFF)
        impacts += [impact for impact in _OTHER_IMPACTS if rng.random() < 0.18]
        note = rng.choice(IMPACT_NOTES) if rng.random() < 0.25 else ""
        if rng.random() < 0.02:
            impacts.append(_OTHER)
            note = note or "Sakit, tidak bisa bekerja."
        return {
            "business_name": name,
            "affected_group": group,
            "kbli_section": section,
            "capital": None if rng.random() < 0.06 else capital,
            "annual_sales": None if rng.random() < 0.08 else annual_sales,
            "employees_before": employees_before,
            "employees_now": employees_now,
            "revenue_before": revenue_before,
            "revenue_now": revenue_now,
            "impacts": impacts,
            "impact_note": note,
            "products": products,
        }

    def _koperasi(self, person: _Person, address: str) -> SyntheticKoperasi:
        rng = self.rng
        self.next_koperasi += 1
        kind = rng.choice(list(KOPERASI_NAMES))
        if person.sex == "P" and rng.random() < 0.5:
            kind = Koperasi.Type.SAVINGS
        name = rng.choice(KOPERASI_NAMES[kind]).format(b=rng.choice(BRANDS))
        year = rng.randint(1995, 2024)
        roll = rng.random()
        if roll < 0.2:
            legal = ""  # not yet a legal entity
        elif year < 2015:
            legal = f"{self.next_koperasi:03d}/BH/XVI.{rng.randint(1, 30)}/{year}"
        else:
            legal = f"AHU-{rng.randint(1000, 9999)}{self.next_koperasi:03d}.AH.01.26.TAHUN {year}"
        return SyntheticKoperasi(
            key=self.next_koperasi, name=name, type=kind.value, legal_number=legal,
            members=rng.randint(20, 800), address=address,
        )

    # rows

    def _written_name(self, person: _Person, channel: str) -> str:
        rng = self.rng
        name = person.name
        age = age_at_as_of(person.birth_date)
        if rng.random() < 0.3:
            noise = rng.choice(_NOISE)
            # The old spelling survives mostly on the papers of the old.
            if noise is not _old_spelling or age >= 55:
                name = noise(name, rng)
        if age >= 40 and rng.random() < 0.08:
            name = f"{'H.' if person.sex == 'L' else 'Hj.'} {name}"
        if rng.random() < (0.4 if channel == Channel.IMPORT else 0.1):
            name = name.upper()  # lists typed in capitals
        return name

    def _rows(self, person: _Person, household_id: int, home: dict, alone: bool) -> list[SyntheticRecord]:
        rng = self.rng
        kecamatan = home["desa_code"].rsplit(".", 1)[0]
        rows = []
        count = rng.weighted((1, 2, 3), (85, 98, 100))
        chairs = None
        if age_at_as_of(person.birth_date) >= 30 and rng.random() < 1 / 80:
            chairs = self._koperasi(person, f"Jl. {rng.choice(STREETS)} No. {rng.randint(1, 80)}")
        for index in range(count):
            channel = rng.weighted(_CHANNELS, _CHANNEL_CUMULATIVE)
            koperasi_key = None
            pool = self.koperasi_by_kecamatan.get(kecamatan)
            if pool and rng.random() < 0.15:
                koperasi_key = rng.choice(pool)
            business = self._business(person, alone=alone)
            at_home = rng.random() < 0.75
            rows.append(SyntheticRecord(
                entity_id=person.entity_id,
                household_id=household_id,
                is_duplicate=False,
                errors=(),
                nik=person.nik,
                full_name=self._written_name(person, channel),
                sex=person.sex,
                birth_place=person.birth_place,
                birth_date=person.birth_date,
                phone=person.phone,
                rt=self._written_number(home["rt"]),
                rw=self._written_number(home["rw"]),
                address=home["address"],
                desa_code=home["desa_code"],
                desa_name=self._desa_name(home["desa_code"], misspelt=False),
                business_address=home["address"] if at_home else f"Pasar {rng.choice(DUSUN_NAMES)} los {rng.randint(1, 60)}",
                channel=channel,
                koperasi=chairs if index == 0 else None,
                koperasi_key=koperasi_key,
                **business,
            ))
        if chairs:
            self.koperasi_by_kecamatan.setdefault(kecamatan, []).append(chairs.key)
        return rows

    def _duplicate(self, row: SyntheticRecord, person: _Person) -> SyntheticRecord:
        """The same business registered again, through another channel, with errors."""
        rng = self.rng
        possible = dict(_ERROR_WEIGHTS)
        if row.nik.endswith("0"):
            del possible[NIK_ZEROED]
        if row.birth_date.day > 12 or row.birth_date.day == row.birth_date.month:
            del possible[DATE_SWAP]
        if not row.desa_name:
            del possible[DESA_SPELLING]
        errors: list[str] = []
        for _ in range(rng.weighted((1, 2), (7, 10))):
            choice = rng.choices(list(possible), weights=list(possible.values()))[0]
            errors.append(choice)
            # One NIK error per row at most.
            for taken in ([choice] + list(NIK_ERRORS)) if choice in NIK_ERRORS else [choice]:
                possible.pop(taken, None)
        errors.sort(key=list(_ERROR_WEIGHTS).index)
        channel = rng.choice([c for c in _CHANNELS if c != row.channel])
        changes: dict = {
            "is_duplicate": True,
            "errors": tuple(errors),
            "channel": channel,
            "koperasi": None,
            "full_name": self._written_name(person, channel),
        }
        nik = list(row.nik)
        if NIK_TYPO in errors:
            i = rng.randrange(6, 16)
            nik[i] = rng.choice([d for d in "0123456789" if d != nik[i]])
        elif NIK_TRANSPOSITION in errors:
            spots = [i for i in range(6, 15) if nik[i] != nik[i + 1]]
            i = rng.choice(spots)
            nik[i], nik[i + 1] = nik[i + 1], nik[i]
        elif NIK_ZEROED in errors:
            nik[15] = "0"
        changes["nik"] = "".join(nik)
        if DATE_SWAP in errors:
            born = row.birth_date
            changes["birth_date"] = born.replace(day=born.month, month=born.day)
        if NAME_VARIANT in errors:
            name = changes["full_name"]
            # Until the difference survives folding case, spaces and punctuation (a typo
            # always does, so a few rounds suffice).
            for _ in range(50):
                if name_key(name) != name_key(row.full_name):
                    break
                noise = rng.choice(_DUPLICATE_NOISE)
                # The noise works on mixed case; a name in capitals stays in capitals.
                name = noise(name.title(), rng).upper() if name.isupper() else noise(name, rng)
            changes["full_name"] = name
        if DESA_SPELLING in errors:
            changes["desa_name"] = self._desa_name(row.desa_code, misspelt=True)
        if rng.random() < 0.1:
            changes["phone"] = ""
        return dataclasses.replace(row, **changes)

    def households(self, people: int, duplicate_rate: float) -> Iterator[SyntheticRecord]:
        rng = self.rng
        made = household_id = 0
        while made < people:
            size = min(people - made, rng.weighted((1, 2, 3, 4), (50, 85, 95, 100)))
            desa_code = rng.choice(self.desa_codes)
            rw, rt = self._unit_numbers(desa_code)
            home = {"desa_code": desa_code, "rw": rw, "rt": rt, "address": self._address()}
            members = self._household(size, desa_code)
            for person in members:
                rows = self._rows(person, household_id, home, alone=len(members) == 1)
                yield from rows
                if rng.random() < duplicate_rate:
                    yield self._duplicate(rng.choice(rows), person)
            made += len(members)
            household_id += 1


def generate(
    *,
    people: int,
    seed: int = 1,
    desa_codes: Sequence[str],
    duplicate_rate: float = 0.03,
    desa_names: Mapping[str, str] | None = None,
    desa_aliases: Mapping[str, Sequence[str]] | None = None,
) -> Iterator[SyntheticRecord]:
    """Rows for ``people`` distinct people living in ``desa_codes`` (dotted desa codes).

    A person with several businesses gets a row per business; about ``duplicate_rate``
    of the people get one more row that registers a business again with errors.
    ``desa_names`` (code → current name) and ``desa_aliases`` (code → former
    spellings) fill ``desa_name`` and let duplicates misspell it.
    """
    if people < 0:
        raise ValueError("people must be 0 or more")
    if not desa_codes:
        raise ValueError("desa_codes must not be empty")
    if not 0 <= duplicate_rate <= 1:
        raise ValueError("duplicate_rate must be between 0 and 1")
    generator = _Generator(seed=seed, desa_codes=desa_codes, desa_names=desa_names or {},
                           desa_aliases=desa_aliases or {})
    return generator.households(people, duplicate_rate)
