"""A labelled benchmark for record linkage: synthetic registrants of Kabupaten Pasuruan.

``generate(records, seed=…)`` returns a pandas DataFrame with the engine's ``FIELDS``
(id, nik, name, sex, birth_date, address, rt, rw, village, district, phone) and the
ground truth: ``entity_id`` (the real person), ``household_id``, ``is_duplicate``
and ``errors`` (what was put into a repeated row, ";"-separated).

People live in households in the regency's 365 desa (real codes and names): a head, a
spouse, grown children (some twins, who share a birth date, and when of one sex NIKs
one serial apart), sharing address, RT/RW, often a phone, and the father's last name.
Some people carry the full name of someone else of their desa (namesakes). These are
the hard negatives.

A share of the people are registered more than once, through another channel, with
the errors lists carry:

- NIK: a typo, two neighbouring digits swapped, the 16th digit zeroed by Excel, a
  woman's day written without +40, empty, or ruined by a number cell ("3.51401E+15");
- name: Muhammad/Moch./M., Siti/St., Nur/Noor, Ahmad/Achmad, old spellings (oe, dj,
  tj), ch/kh/h, joined or split words, H./Hj., degrees, capitals, a typo, a dropped
  middle name;
- birth date: day and month swapped, one digit wrong, empty;
- desa: an old spelling, "Ds." prefix, capitals, empty; RT/RW written 03 or 3 or
  left out; phone left out or another number; address abbreviated or left out.

Vectorised with numpy (per-row Python only for the text of names and repeated rows),
deterministic for a seed: 1,000,000 rows in well under a minute.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import geliat.wilayah

AS_OF_YEAR = 2026


def _words(text: str) -> np.ndarray:
    return np.array(text.split("|"), dtype=object)


JAVANESE_M = _words(
    "Slamet|Sugeng|Bambang|Agus|Eko|Joko|Heri|Budi|Didik|Teguh|Hadi|Bagus|Wahyu|Yudi|Edi|Hari|Rudi|Arif|Puji|"
    "Suparman|Sutrisno|Mulyono|Suyitno|Wagiman|Paimin|Supriyadi|Sugiono|Sumarno|Poniman|Tukiman|Sukardi|"
    "Sunarto|Jumadi|Paidi|Karyono|Sujono|Supardi|Cahyono|Suyanto|Subagyo|Purnomo|Untung|Yusuf Santoso"
)
JAVANESE_LAST = _words(
    "Riyadi|Santoso|Prasetyo|Wibowo|Purnomo|Susilo|Hartono|Setiawan|Hidayat|Utomo|Saputro|Kurniawan|Wijaya|"
    "Gunawan|Sugiarto|Cahyono|Wahyudi|Pramono|Suyanto|Hariyanto|Widodo|Nugroho|Rahmadi|Susanto|Effendi"
)
JAVANESE_F = _words(
    "Sri Wahyuni|Endang Rahayu|Tri Lestari|Dwi Astuti|Puji Handayani|Lilik Suryani|Rini|Yuli Astutik|Eni|"
    "Tutik|Sulistyowati|Sumiati|Suparmi|Sulastri|Kasmini|Ngatini|Sumarni|Winarti|Suwarni|Partini|Tumini|"
    "Sarmi|Mujiati|Painem|Sriatun|Ernawati|Juwariyah|Sunarsih|Rukmini|Nanik|Anik Mahmudah|Yayuk|Kustini"
)
JAVANESE_F_LAST = _words(
    "Wahyuni|Rahayu|Lestari|Astuti|Handayani|Susilowati|Wahyuningsih|Ningsih|Rahmawati|Suryani|Kusumawati|"
    "Indrawati|Mulyani|Purwanti|Setyowati|Utami|Suprihatin|Widayati|Pujiastuti|Sulistyorini"
)
ARABIC_M_PREFIX = _words("Muhammad|Ahmad|Abdul|Moch.")
ARABIC_M_CORE = _words(
    "Sholeh|Fauzi|Yusuf|Ridwan|Hasan|Husain|Ali Mashuri|Syafi'i|Kholil|Anwar|Zainuddin|Syaifuddin|Arifin|"
    "Mansur|Ikhsan|Ridho|Munir|Nasih|Fadholi|Thohir|Rofi'i|Chusairi|Ilyas|Ma'ruf|Sholikhin|Junaidi|Ghozali|"
    "Rochim|Ghofur|Wahid|Qodir|Rochman|Aziz|Karim|Malik|Hamid|Latif|Jalil|Rosyid|Choirul Anam|Nur Kholis|"
    "Miftahul Huda|Syamsul Arifin|Zainal Abidin|Saiful Bahri|Ainul Yaqin|Hasan Basri|Lutfi Hakim|Mustofa|Mukhlis"
)
ARABIC_F_PREFIX = _words("Siti|Nur|Umi|Siti Nur")
ARABIC_F_CORE = _words(
    "Aisyah|Hasanah|Aminah|Khotijah|Fatimah|Maisaroh|Rohmah|Komariyah|Zulaikha|Mahmudah|Musyarofah|Kulsum|"
    "Mufidah|Munawaroh|Sholihah|Badriyah|Maslahah|Qomariyah|Rofi'ah|Halimah|Romlah|Muslimah|Khoiriyah|"
    "Chalimah|Nurul Hidayah|Lailatul Fitriyah|Chusnul Chotimah|Faridatul Husna|Ainun Jariyah|Mas'udah"
)
MADURESE_M = _words(
    "Matsari|Sunari|Musahwi|Juma'in|Bunadi|Hosnan|Bahrawi|Marsuki|Jumali|Asmuni|Holil|Samsuri|Maksum|Sukri|"
    "Busiri|Rasid|Suhaimi|Nawawi|Sahri|Mistari|Misdi|Sanawi|Hasyim|Buhari|Moh. Hosen|Abd. Rahem|Mat Sahri|"
    "Ach. Holili|Moh. Sahlan"
)
MADURESE_F = _words(
    "Misnati|Hosniyah|Maimunah|Buniyah|Mistiyah|Salamah|Juma'ati|Marwiyah|Atikah|Hatija|Sunarti|Suhriyah|"
    "Sumrati|Nahwiyah|Sari'ah|Ruqoyyah|Sittiyah|Munawaroh|Hamidah|Sa'diyah"
)
MODERN_M = _words(
    "Rizky|Dimas|Andi|Fajar|Yoga|Dani|Reza|Ilham|Fikri|Rizal|Bayu|Hendra|Rendy|Aditya|Firman|Alfian|Ferdi|"
    "Rico|Nanda|Galih|Angga|Rangga|Dwi Cahyo|Yusron|Habib|Faisal"
)
MODERN_F = _words(
    "Dewi|Rina|Fitri|Novi|Indah|Ayu|Putri|Dian|Rani|Nia|Wulan|Intan|Lia|Eka|Siska|Vina|Anisa|Nurul|Elok|Devi|"
    "Lailatul|Nabila|Aulia|Laila|Khusnul"
)
STREETS = _words(
    "Raya|Masjid|Pahlawan|Diponegoro|Untung Suropati|KH. Hasyim Asy'ari|Sultan Agung|Ahmad Yani|Mawar|"
    "Melati|Kenanga|Anggrek|Pattimura|Imam Bonjol|Balai Desa|Pesantren|Makam|Kartini|Gajah Mada|Sudirman"
)
DUSUN = _words(
    "Krajan|Sumbersari|Wonorejo|Kedungrejo|Tegalsari|Karanganyar|Ngemplak|Kebonsari|Sukorejo|Gondang|"
    "Jambangan|Tanjung|Kalisari|Pandean|Kauman|Ngampel|Bendungan|Klampok|Sumberejo|Kramat|Tambakan|Ledok"
)
PHONE_PREFIXES = np.array([811, 812, 813, 821, 822, 823, 851, 852, 853, 855, 856, 857, 858, 877, 878, 831, 838, 895, 896])
MADURESE_KECAMATAN = frozenset({"35.14.16", "35.14.20", "35.14.21", "35.14.22", "35.14.23"})

# Errors of a repeated row, with their chances.
NIK_ERRORS = {  # at most one per row
    "nik_typo": 0.15, "nik_transposition": 0.08, "nik_zeroed": 0.10, "nik_female40": 0.07,
    "nik_missing": 0.08, "nik_scientific": 0.03,
}
NAME_VARIANT = 0.6
DATE_SWAP, DATE_TYPO, DATE_MISSING = 0.12, 0.03, 0.04
DESA_SPELLING, DESA_MISSING = 0.15, 0.04
UNITS_MISSING, PHONE_MISSING, PHONE_CHANGED, ADDRESS_VARIANT, ADDRESS_MISSING, SEX_MISSING = (
    0.10, 0.15, 0.05, 0.3, 0.08, 0.03)


@dataclass(frozen=True)
class Places:
    desa_codes: np.ndarray  # dotted desa codes
    desa_names: np.ndarray
    kecamatan_names: dict[str, str]
    aliases: dict[str, list[str]]  # desa code → former spellings


def places() -> Places:
    """The regency's desa and kecamatan, from the region table shipped with ``geliat.wilayah``."""
    data = Path(geliat.wilayah.__file__).resolve().parent / "data"
    codes, desa_names, kecamatan = [], [], {}
    with open(data / "pasuruan_wilayah.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["level"] == "desa":
                codes.append(row["code"])
                desa_names.append(row["name"])
            elif row["level"] == "kecamatan":
                kecamatan[row["code"]] = row["name"]
    aliases: dict[str, list[str]] = {}
    alias_path = data / "aliases.csv"
    if alias_path.exists():
        with open(alias_path, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                aliases.setdefault(row["code"], []).append(row["name"])
    return Places(np.array(codes, dtype=object), np.array(desa_names, dtype=object), kecamatan, aliases)


# --- text noise --------------------------------------------------------------------

_FAMILY = {
    "Muhammad": ("Muhammad", "Moch.", "Moh.", "M.", "Mochammad", "Mohamad", "Mohammad", "Muhamad"),
    "Ahmad": ("Ahmad", "Achmad", "Akhmad", "Ach."),
    "Abdul": ("Abdul", "Abd.", "Abdoel"),
    "Siti": ("Siti", "St.", "Sitti"),
    "Nur": ("Nur", "Noor", "Noer"),
}
_FAMILY_OF = {variant: head for head, variants in _FAMILY.items() for variant in variants}
_DEGREES = (", S.Pd", ", S.E.", " SH", ", S.Pd.I", ", A.Md", " S.Ag")


def _swap_family(name: str, r: float) -> str:
    words = name.split(" ")
    spots = [i for i, w in enumerate(words) if w in _FAMILY_OF]
    if not spots:
        return name
    i = spots[int(r * len(spots))]
    choices = _FAMILY[_FAMILY_OF[words[i]]]
    words[i] = choices[int(r * 7919) % len(choices)]
    return " ".join(words)


def _old_spelling(name: str, r: float) -> str:
    out = name.replace("u", "oe").replace("U", "Oe").replace("j", "dj").replace("J", "Dj")
    return out.replace("c", "tj").replace("C", "Tj").replace("y", "j").replace("Y", "J")


def _ch_kh(name: str, r: float) -> str:
    choice = ("kh", "ch", "h")[int(r * 3)]
    out = name
    for old in ("Kh", "Ch"):
        out = out.replace(old, choice.capitalize())
    for old in ("kh", "ch"):
        out = out.replace(old, choice)
    return out


def _spacing(name: str, r: float) -> str:
    words = name.split(" ")
    joinable = [i for i in range(len(words) - 1) if not words[i].endswith(".")]
    if joinable and r < 0.6:
        i = joinable[int(r / 0.6 * len(joinable))]
        return " ".join(words[:i] + [words[i] + words[i + 1].lower()] + words[i + 2:])
    if r < 0.8:
        return "  ".join(words)
    return " " + name + " "


def _apostrophe(name: str, r: float) -> str:
    return name.replace("'", ("", "`", "’")[int(r * 3)])


def _honorific(name: str, r: float) -> str:
    if r < 0.5:
        return ("H. " if r < 0.25 else "Hj. ") + name
    return name + _DEGREES[int((r - 0.5) * 2 * len(_DEGREES))]


def _typo(name: str, r: float) -> str:
    spots = [i for i in range(1, len(name) - 1) if name[i].isalpha() and name[i + 1].isalpha()]
    if not spots:
        return name
    i = spots[int(r * len(spots))]
    slip = (r * 977) % 1
    if slip < 0.4:
        return name[:i] + name[i] + name[i:]
    if slip < 0.7:
        return name[:i] + name[i + 1:]
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


def _drop_middle(name: str, r: float) -> str:
    """A middle name left out ("Siti Nur Aisyah" → "Siti Aisyah"); titles and degrees are not names."""
    words = name.split(",", 1)[0].split(" ")
    if len(words) > 2 and not any(word.endswith(".") for word in words):
        return " ".join(words[:1] + words[2:])
    return _typo(name, r)


def _case(name: str, r: float) -> str:
    return name.upper() if r < 0.8 else name.lower()


_NOISE = (_swap_family, _swap_family, _old_spelling, _ch_kh, _spacing, _apostrophe, _honorific, _case)
_VARIANTS = (*_NOISE, _swap_family, _spacing, _typo, _typo, _drop_middle)


def _desa_misspelt(name: str, aliases: list[str], r: float) -> str:
    if aliases and r < 0.4:
        return aliases[int(r / 0.4 * len(aliases))]
    options = [f"Ds. {name}", name.upper(), name.replace("-", " "), _old_spelling(name, r), f"Desa {name.lower()}"]
    return options[int(r * len(options))]


def _address_variant(address: str, r: float) -> str:
    if r < 0.3:
        return address.upper()
    if r < 0.6:
        return address.replace("Jl.", "Jalan").replace("Dsn.", "Dusun").replace("No.", "No")
    return address.replace("Jalan", "Jl").replace("Dusun", "Dsn.").replace(" No. ", " ")


# --- the generator -------------------------------------------------------------------


def _pick(rng: np.random.Generator, pool: np.ndarray, size: int) -> np.ndarray:
    return pool[rng.integers(0, len(pool), size)]


def _people(rng: np.random.Generator, count: int, place: Places) -> pd.DataFrame:
    """``count`` people in households (vectorised)."""
    sizes = rng.choice([1, 2, 3, 4, 5], p=[0.30, 0.28, 0.2, 0.15, 0.07], size=count)
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), count)) + 1]
    households = len(sizes)
    household = np.repeat(np.arange(households), sizes)[:count]
    role = (np.arange(len(household)) - np.repeat(np.cumsum(sizes) - sizes, sizes)[:count])
    size = sizes[household]

    desa_index = rng.integers(0, len(place.desa_codes), households)
    desa = place.desa_codes[desa_index]
    kecamatan = np.array([code.rsplit(".", 1)[0] for code in desa], dtype=object)
    units = np.array([int(code.rsplit(".", 1)[1]) for code in desa])
    rw = 1 + (rng.random(households) * (2 + units % 6)).astype(int)
    rt = 1 + (rng.random(households) * (3 + (units + rw) % 4)).astype(int)
    street_kind = rng.random(households)
    number = rng.integers(1, 120, households)
    streets = _pick(rng, STREETS, households)
    dusun = _pick(rng, DUSUN, households)
    address = np.where(
        street_kind < 0.5, "Jl. " + streets + " No. " + number.astype(str),
        np.where(street_kind < 0.85, "Dsn. " + dusun, "Dusun " + dusun + " No. " + number.astype(str)),
    )
    madurese = np.array([code in MADURESE_KECAMATAN for code in kecamatan])
    roll = rng.random(households)
    culture = np.where(roll < np.where(madurese, 0.45, 0.1), 2, np.where(roll < 0.6, 1, 0))  # 0 jav, 1 arab, 2 mad

    head_phone = PHONE_PREFIXES[rng.integers(0, len(PHONE_PREFIXES), households)].astype(np.int64) * 10**8 + rng.integers(10**6, 10**8, households)

    n = len(household)
    head = role == 0
    spouse = role == 1
    child = role >= 2
    sex = np.where(head, np.where((size > 1) | (rng.random(n) < 0.5), "L", "P"), "L")
    sex = np.where(spouse, "P", sex)
    sex = np.where(child, np.where(rng.random(n) < 0.5, "L", "P"), sex)

    head_age = np.where(sizes > 2, rng.integers(42, 76, households), rng.integers(20, 76, households))
    age = head_age[household].copy()
    age = np.where(spouse, np.clip(age - rng.integers(-2, 9, n), 18, 85), age)
    age = np.where(child, np.maximum(age - rng.integers(20, 31, n) - (role - 2) * 2, 17), age)
    day_of_year = rng.integers(0, 365, n)
    born = (pd.to_datetime((AS_OF_YEAR - 1 - age).astype(str), format="%Y") + pd.to_timedelta(day_of_year, unit="D"))
    # Twins: a child born the same day as the child before.
    twin = child & (role >= 3) & (rng.random(n) < 0.06)
    born_values = born.to_numpy()
    twin_index = np.flatnonzero(twin)
    born_values[twin_index] = born_values[twin_index - 1]
    born = pd.DatetimeIndex(born_values)

    # Names by culture and sex; children get a modern name and often the father's last name.
    c = culture[household]
    def second(pool: np.ndarray, share: float) -> np.ndarray:
        return np.where(rng.random(n) < share, " " + _pick(rng, pool, n), "")

    jav_m = _pick(rng, JAVANESE_M, n) + second(JAVANESE_LAST, 0.6)
    jav_f = _pick(rng, JAVANESE_F, n) + second(JAVANESE_F_LAST, 0.4)
    arab_m = (np.where(rng.random(n) < 0.55, _pick(rng, ARABIC_M_PREFIX, n) + " ", "") + _pick(rng, ARABIC_M_CORE, n)
              + second(ARABIC_M_CORE, 0.25))
    arab_f = (np.where(rng.random(n) < 0.6, _pick(rng, ARABIC_F_PREFIX, n) + " ", "") + _pick(rng, ARABIC_F_CORE, n)
              + second(ARABIC_F_CORE, 0.2))
    mad_m = _pick(rng, MADURESE_M, n) + second(ARABIC_M_CORE, 0.3)
    mad_f = _pick(rng, MADURESE_F, n) + second(ARABIC_F_CORE, 0.25)
    male = np.where(c == 0, jav_m, np.where(c == 1, arab_m, mad_m))
    female = np.where(c == 0, jav_f, np.where(c == 1, arab_f, mad_f))
    name = np.where(sex == "L", male, female).astype(object)
    head_index = np.cumsum(sizes) - sizes
    father = name[head_index[household]]
    father_last = np.array([f.split(" ")[-1] if " " in f else "" for f in father], dtype=object)
    # Parents do not give two children one name: a younger child's given name is never
    # the elder's (twins included).
    given_m = rng.integers(0, len(MODERN_M), n)
    given_f = rng.integers(0, len(MODERN_F), n)
    younger = np.flatnonzero(role >= 3)
    given_m[younger] = (given_m[younger - 1] + rng.integers(1, len(MODERN_M), len(younger))) % len(MODERN_M)
    given_f[younger] = (given_f[younger - 1] + rng.integers(1, len(MODERN_F), len(younger))) % len(MODERN_F)
    given = np.where(sex == "L", np.where(rng.random(n) < 0.3, "Muhammad ", "") + MODERN_M[given_m], MODERN_F[given_f])
    inherits = (father_last != "") & (rng.random(n) < 0.6) & ~np.isin(father_last, list(_FAMILY_OF))
    child_name = np.where(inherits, given + " " + father_last, given + " " + _pick(rng, JAVANESE_LAST, n))
    name = np.where(child, child_name, name).astype(object)

    people = pd.DataFrame({
        "household_id": household,
        "role": role,
        "sex": sex,
        "born": born,
        "name": name,
        "desa": desa[household],
        "kecamatan": kecamatan[household],
        "rt": rt[household],
        "rw": rw[household],
        "address": address[household],
    })
    # Namesakes: someone takes the full name of the previous person of the same sex in the desa.
    order = people.sort_values(["desa", "sex"], kind="stable").index.to_numpy()
    previous = np.r_[-1, order[:-1]]
    same = np.r_[False, (people["desa"].to_numpy()[order][1:] == people["desa"].to_numpy()[order][:-1])
                 & (people["sex"].to_numpy()[order][1:] == people["sex"].to_numpy()[order][:-1])]
    chosen = same & (rng.random(n) < 0.03) & (people["household_id"].to_numpy()[order] != people["household_id"].to_numpy()[previous])
    names_array = people["name"].to_numpy()
    names_array[order[chosen]] = names_array[previous[chosen]]
    people["name"] = names_array

    # Phones: the head's; a spouse shares it often, a child sometimes; some have none.
    own_phone = PHONE_PREFIXES[rng.integers(0, len(PHONE_PREFIXES), n)].astype(np.int64) * 10**8 + rng.integers(10**6, 10**8, n)
    share = np.where(spouse, 0.4, np.where(child, 0.12, 1.0))
    phone_number = np.where(rng.random(n) < share, head_phone[household], own_phone)
    phone = np.where(rng.random(n) < 0.08, "", "0" + phone_number.astype(str)).astype(object)
    people["phone"] = phone

    # NIK: the kecamatan it was issued in (mostly home), birth day (+40 for women), serial.
    issued = np.where(rng.random(n) < 0.9, people["kecamatan"].to_numpy(), _pick(rng, np.array(sorted(place.kecamatan_names), dtype=object), n))
    people["issued"] = issued
    serial = people.groupby(["issued", "born"], sort=False).cumcount().to_numpy() + 1
    day = people["born"].dt.day.to_numpy() + np.where(sex == "P", 40, 0)
    prefix = np.array([code.replace(".", "") for code in issued], dtype=object)
    people["nik"] = (prefix + pd.Series(day).map("{:02d}".format).to_numpy()
                     + people["born"].dt.strftime("%m%y").to_numpy() + pd.Series(serial).map("{:04d}".format).to_numpy())
    people["entity_id"] = np.arange(n)
    return people


def _nik_error(nik: str, kind: str, r: float) -> str:
    digits = list(nik)
    if kind == "nik_typo":
        i = 6 + int(r * 10)
        digits[i] = str((int(digits[i]) + 1 + int(r * 977) % 9) % 10)
    elif kind == "nik_transposition":
        spots = [i for i in range(6, 15) if digits[i] != digits[i + 1]]
        if spots:
            i = spots[int(r * len(spots))]
            digits[i], digits[i + 1] = digits[i + 1], digits[i]
    elif kind == "nik_zeroed":
        digits[15] = "0"
    elif kind == "nik_female40":
        day = int(nik[6:8])
        if day > 40:
            digits[6:8] = list(f"{day - 40:02d}")
    elif kind == "nik_missing":
        return ""
    elif kind == "nik_scientific":
        return f"{int(nik[:6]) / 10**5:.5f}E+15"
    return "".join(digits)


def generate(records: int, *, seed: int = 1, duplicate_share: float = 0.3, village_codes: bool = False) -> pd.DataFrame:
    """``records`` rows of synthetic registrants with ground truth (see the module docstring).

    ``duplicate_share``: the share of people registered more than once (each gets 1–3
    more rows). ``village_codes``: write desa and kecamatan as codes instead of names.
    """
    if records < 0:
        raise ValueError("records must be 0 or more")
    if not 0 <= duplicate_share <= 1:
        raise ValueError("duplicate_share must be between 0 and 1")
    rng = np.random.default_rng(seed)
    place = places()
    extra_mean = duplicate_share * (1 * 0.7 + 2 * 0.22 + 3 * 0.08)
    people = _people(rng, max(1, int(records / (1 + extra_mean)) + 16), place)
    n = len(people)
    extra = np.where(rng.random(n) < duplicate_share, rng.choice([1, 2, 3], p=[0.7, 0.22, 0.08], size=n), 0)
    person_of_row = np.repeat(np.arange(n), 1 + extra)[:records]
    rows = len(person_of_row)
    first = np.r_[True, person_of_row[1:] != person_of_row[:-1]]
    p = people.iloc[person_of_row].reset_index(drop=True)

    r = rng.random((rows, 12))
    desa_names = dict(zip(place.desa_codes, place.desa_names, strict=True))
    desa_col = p["desa"].to_numpy()
    kec_col = p["kecamatan"].to_numpy()
    village = desa_col.copy() if village_codes else np.array([desa_names[code] for code in desa_col], dtype=object)
    district = kec_col.copy() if village_codes else np.array([place.kecamatan_names[code] for code in kec_col], dtype=object)
    unit_format = np.array(["{:02d}", "{}", "{:03d}"], dtype=object)
    rt_format = unit_format[(r[:, 0] * 3).astype(int)]
    rt = np.array([fmt.format(v) for fmt, v in zip(rt_format, p["rt"].to_numpy(), strict=True)], dtype=object)
    rw = np.array([fmt.format(v) for fmt, v in zip(rt_format, p["rw"].to_numpy(), strict=True)], dtype=object)
    born = p["born"].dt.date.to_numpy()

    names_out = p["name"].to_numpy().copy()
    nik = p["nik"].to_numpy().copy()
    sex = p["sex"].to_numpy().copy()
    birth = np.array([d.isoformat() for d in born], dtype=object)
    phone = p["phone"].to_numpy().copy()
    address = p["address"].to_numpy().copy()
    errors = np.full(rows, "", dtype=object)

    # Every row: the spelling noise lists carry.
    noisy = np.flatnonzero(r[:, 1] < 0.3)
    for i in noisy:
        names_out[i] = _NOISE[int(r[i, 2] * len(_NOISE))](names_out[i], r[i, 3])

    nik_kinds = list(NIK_ERRORS)
    nik_cumulative = np.cumsum(list(NIK_ERRORS.values()))
    for i in np.flatnonzero(~first):
        made = []
        roll = r[i, 4]
        k = int(np.searchsorted(nik_cumulative, roll, side="right"))
        if k < len(nik_kinds):
            kind = nik_kinds[k]
            if kind == "nik_zeroed" and nik[i].endswith("0"):
                kind = None
            if kind == "nik_female40" and sex[i] != "P":
                kind = None
            if kind:
                nik[i] = _nik_error(nik[i], kind, r[i, 5])
                made.append(kind)
        if r[i, 6] < NAME_VARIANT:
            before = names_out[i]
            names_out[i] = _VARIANTS[int(r[i, 7] * len(_VARIANTS))](before, r[i, 8])
            made.append("name_variant")
        d = born[i]
        roll = r[i, 9]
        if roll < DATE_SWAP and d.day <= 12 and d.day != d.month:
            birth[i] = d.replace(day=d.month, month=d.day).isoformat()
            made.append("date_swap")
        elif DATE_SWAP <= roll < DATE_SWAP + DATE_TYPO:
            if (d.month, d.day) != (2, 29):  # a slip in the year's last digit keeps a real date
                text = birth[i]
                birth[i] = text[:3] + str((int(text[3]) + 1) % 10) + text[4:]
                made.append("date_typo")
        elif DATE_SWAP + DATE_TYPO <= roll < DATE_SWAP + DATE_TYPO + DATE_MISSING:
            birth[i] = ""
            made.append("date_missing")
        roll = r[i, 10]
        if roll < DESA_SPELLING and not village_codes:
            village[i] = _desa_misspelt(village[i], place.aliases.get(desa_col[i], []), r[i, 11])
            made.append("desa_spelling")
        elif DESA_SPELLING <= roll < DESA_SPELLING + DESA_MISSING:
            village[i] = ""
            made.append("desa_missing")
        other = (r[i, 11] * 7 + r[i, 10] * 13) % 1
        if other < UNITS_MISSING:
            rt[i] = rw[i] = ""
        if (r[i, 3] * 11) % 1 < PHONE_MISSING:
            phone[i] = ""
        elif (r[i, 3] * 11) % 1 > 1 - PHONE_CHANGED:
            phone[i] = "08" + str(5200000000 + int(r[i, 5] * 10**9))
        roll = (r[i, 8] * 17) % 1
        if roll < ADDRESS_VARIANT:
            address[i] = _address_variant(address[i], roll / ADDRESS_VARIANT)
        elif roll > 1 - ADDRESS_MISSING:
            address[i] = ""
        if (r[i, 0] * 31) % 1 < SEX_MISSING:
            sex[i] = ""
        errors[i] = ";".join(made)

    out = pd.DataFrame({
        "id": [f"r{i:07d}" for i in range(rows)],
        "nik": nik,
        "name": names_out,
        "sex": sex,
        "birth_date": birth,
        "address": address,
        "rt": rt,
        "rw": rw,
        "village": village,
        "district": district,
        "phone": phone,
        "entity_id": p["entity_id"].to_numpy(),
        "household_id": p["household_id"].to_numpy(),
        "is_duplicate": ~first,
        "errors": errors,
    })
    # Rows in no particular order, as a merged list would be; ids follow the new order.
    out = out.iloc[rng.permutation(rows)].reset_index(drop=True)
    out["id"] = [f"r{i:07d}" for i in range(rows)]
    return out


def true_pairs(entity_ids) -> int:
    """How many pairs of rows belong to the same person."""
    counts = pd.Series(entity_ids).value_counts().to_numpy()
    return int((counts * (counts - 1) // 2).sum())


def pairwise_scores(entity_ids, cluster_ids) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a clustering against the truth.

    A pair of rows is predicted when both share a cluster and true when both share an
    entity; counted from cluster and entity sizes, never by listing pairs.
    """
    frame = pd.DataFrame({"entity": np.asarray(entity_ids), "cluster": np.asarray(cluster_ids)})

    def pairs(counts: np.ndarray) -> int:
        counts = counts.astype(np.int64)
        return int((counts * (counts - 1) // 2).sum())

    true = pairs(frame.groupby("entity").size().to_numpy())
    predicted = pairs(frame.groupby("cluster").size().to_numpy())
    both = pairs(frame.groupby(["cluster", "entity"]).size().to_numpy())
    precision = both / predicted if predicted else 1.0
    recall = both / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_pairs": true,
            "predicted_pairs": predicted, "correct_pairs": both}
