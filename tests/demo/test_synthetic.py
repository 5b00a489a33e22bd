"""The synthetic registrant generator: realistic, noisy, and honest about the truth."""

import collections
import csv
import datetime
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geliat.core.phones import phone_check
from geliat.demo import synthetic
from geliat.demo.synthetic import AS_OF, generate
from geliat.registry.models import AffectedGroup, BusinessSize, Impact, KbliSection
from geliat.registry.nik import nik_check
from geliat.registry.sizing import business_size
from geliat.wilayah.text import name_key

_TABLE = Path(synthetic.__file__).resolve().parents[1] / "wilayah" / "data" / "pasuruan_wilayah.csv"
with _TABLE.open(encoding="utf-8") as _handle:
    DESA = {row["code"]: row["name"] for row in csv.DictReader(_handle) if row["level"] == "desa"}
DESA_CODES = sorted(DESA)


def _all_regions(codes):
    return set(codes)


def _age(born: datetime.date) -> int:
    return AS_OF.year - born.year - ((AS_OF.month, AS_OF.day) < (born.month, born.day))


def _bare(name: str) -> str:
    """The written name in capitals without a leading H./Hj."""
    return re.sub(r"^(HJ?\.?\s+)", "", " ".join(name.upper().split()))


@pytest.fixture(scope="module")
def rows():
    return list(generate(people=3000, seed=7, desa_codes=DESA_CODES, duplicate_rate=0.2, desa_names=DESA,
                         desa_aliases={"35.14.06.2001": ["Oro Oro Puleh"]}))


@pytest.fixture(scope="module")
def originals(rows):
    return [r for r in rows if not r.is_duplicate]


def test_same_seed_gives_the_same_rows_and_another_seed_others():
    """A seed reproduces the data exactly, so a benchmark can be rerun."""
    first = list(generate(people=300, seed=11, desa_codes=DESA_CODES))
    assert first == list(generate(people=300, seed=11, desa_codes=DESA_CODES))
    assert first != list(generate(people=300, seed=12, desa_codes=DESA_CODES))


def test_makes_exactly_the_people_asked_for(rows):
    assert len({r.entity_id for r in rows}) == 3000


def test_every_true_nik_is_valid_and_agrees_with_sex_and_birth_date(originals):
    """The NIK of each real person passes the registry's own check without warnings,
    encodes their sex and birth date, and was issued in a kecamatan of the regency."""
    kecamatan = {code.rsplit(".", 1)[0] for code in DESA_CODES}
    for row in originals:
        check = nik_check(row.nik, sex=row.sex, birth_date=row.birth_date, region_codes=_all_regions,
                          today=AS_OF)
        assert check.valid, (row.nik, check.errors)
        assert check.warnings == []
        assert check.sex == row.sex
        assert check.birth_date == row.birth_date
        assert check.kecamatan_code in kecamatan


def test_one_nik_per_person(originals):
    by_nik = collections.defaultdict(set)
    for row in originals:
        by_nik[row.nik].add(row.entity_id)
    assert all(len(entities) == 1 for entities in by_nik.values())
    assert len(by_nik) == 3000


def test_ages_run_from_18_to_80_with_elderly_owners(originals):
    ages = [_age(r.birth_date) for r in originals]
    assert min(ages) >= 18 and max(ages) <= 80
    assert sum(age >= 65 for age in ages) > len(ages) * 0.05


def test_sex_matches_the_name(originals):
    """Siti and Sri are women; Muhammad, Ahmad and Abdul are men."""
    for row in originals:
        first = _bare(row.full_name).split(" ")[0]
        if first in {"SITI", "SRI"}:
            assert row.sex == "P", row.full_name
        if first in {"MUHAMMAD", "AHMAD", "ABDUL"}:
            assert row.sex == "L", row.full_name


def test_people_live_in_the_given_desa_mostly_born_nearby(rows, originals):
    assert {r.desa_code for r in rows} <= set(DESA_CODES)
    small = list(generate(people=200, seed=1, desa_codes=DESA_CODES[:3]))
    assert {r.desa_code for r in small} == set(DESA_CODES[:3])
    places = collections.Counter(r.birth_place for r in originals)
    assert places.most_common(1)[0][0] == "Pasuruan"
    assert all(r.rt.isdigit() and r.rw.isdigit() and len(r.rt) <= 3 for r in rows)
    assert {len(r.rt) for r in rows} == {1, 2, 3}  # RT 3 is written 3, 03 and 003
    assert all(re.match(r"(Jl\.|Dusun|Dsn\.|Gg\.|Perum) ", r.address) for r in rows)


def test_phones_are_mobile_numbers_some_missing(originals):
    phones = [r.phone for r in originals]
    assert 0 < phones.count("") < len(phones) * 0.2
    for phone in filter(None, phones):
        assert phone.startswith("+628")
        check = phone_check(phone)
        assert check.valid and check.e164 == phone and check.warnings == []


def test_businesses_are_coherent_and_mostly_micro(originals):
    sections = {group: {section for _t, section, _p in kinds} for group, kinds in synthetic.BUSINESS_KINDS.items()}
    for row in originals:
        assert row.affected_group in AffectedGroup.values
        assert row.kbli_section in KbliSection.values
        assert row.kbli_section in sections[row.affected_group]
        assert set(row.impacts) <= set(Impact.values)
        assert row.employees_now <= row.employees_before
        assert row.business_name and row.products
    assert {r.affected_group for r in originals} == set(AffectedGroup.values)
    sizes = collections.Counter(business_size(capital=r.capital, annual_sales=r.annual_sales) for r in originals)
    assert sizes[BusinessSize.MICRO] > len(originals) * 0.9
    assert sizes[BusinessSize.SMALL] > 0 and sizes[BusinessSize.UNKNOWN] > 0
    dropped = sum(r.revenue_now < r.revenue_before for r in originals)
    assert dropped > len(originals) * 0.7
    closed = [r for r in originals if r.revenue_now == 0]
    assert closed and all(Impact.CLOSED in r.impacts for r in closed)


def test_vulnerable_group_is_for_the_elderly(originals):
    vulnerable = [r for r in originals if r.affected_group == AffectedGroup.VULNERABLE]
    assert vulnerable and all(_age(r.birth_date) >= 65 for r in vulnerable)


def test_business_names_use_what_neighbours_call_the_owner(originals):
    assert any(re.fullmatch(r"Warung (Bu|Mak|Mbak|Mbah) \w+", r.business_name) for r in originals)
    assert any(r.business_name.startswith("Konveksi ") for r in originals)


def test_names_are_written_in_many_ways(originals):
    """Prefix abbreviations, capitals, haji titles, old spellings and spacing all occur."""
    names = [r.full_name for r in originals]
    upper = [n for n in names if n.isupper()]
    assert len(names) * 0.1 < len(upper) < len(names) * 0.5
    for pattern in (r"\bMoch\.", r"\bMoh\.", r"\bSt\.", r"\bNoor\b|\bNOOR\b", r"^Hj?\. |^HJ?\. ",
                    r"(?i)oe", r"(?i)dj", r"  |\s$", r"\bCh|\bCH"):
        assert any(re.search(pattern, n) for n in names), pattern


def test_a_second_business_is_a_second_row_of_the_same_person(originals):
    by_entity = collections.defaultdict(list)
    for row in originals:
        by_entity[row.entity_id].append(row)
    several = [rs for rs in by_entity.values() if len(rs) > 1]
    assert several
    for rs in several:
        assert len({(r.nik, r.birth_date, r.sex, r.address) for r in rs}) == 1
        assert len({r.business_name for r in rs}) >= 1


def test_duplicates_keep_the_entity_and_carry_realistic_errors(rows, originals):
    first = {}
    for row in originals:
        first.setdefault(row.entity_id, row)
    duplicates = [r for r in rows if r.is_duplicate]
    assert 0.1 * 3000 < len(duplicates) < 0.3 * 3000
    seen = collections.Counter()
    for dup in duplicates:
        original = first[dup.entity_id]
        assert dup.errors
        seen.update(dup.errors)
        assert dup.koperasi is None
        nik_errors = set(dup.errors) & synthetic.NIK_ERRORS
        assert len(nik_errors) <= 1
        if not nik_errors:
            assert dup.nik == original.nik
        else:
            assert dup.nik != original.nik and len(dup.nik) == 16 and dup.nik.isdigit()
            differing = [i for i in range(16) if dup.nik[i] != original.nik[i]]
            if synthetic.NIK_ZEROED in nik_errors:
                assert differing == [15] and dup.nik.endswith("0")
            elif synthetic.NIK_TRANSPOSITION in nik_errors:
                i, j = differing
                assert j == i + 1 and (dup.nik[i], dup.nik[j]) == (original.nik[j], original.nik[i])
            else:
                assert len(differing) == 1
        if synthetic.DATE_SWAP in dup.errors:
            assert (dup.birth_date.day, dup.birth_date.month) == (original.birth_date.month, original.birth_date.day)
            assert dup.birth_date != original.birth_date
        else:
            assert dup.birth_date == original.birth_date
        if synthetic.DESA_SPELLING in dup.errors:
            assert dup.desa_name != DESA[dup.desa_code] and dup.desa_code == original.desa_code
    assert set(seen) == set(synthetic._ERROR_WEIGHTS)


def test_name_variant_survives_folding_case_and_spaces(rows):
    """A duplicate marked name_variant differs from the row it repeats even after
    ignoring case, spaces and punctuation, so it is a real spelling difference."""
    by_business = {(r.entity_id, r.business_name): r for r in rows if not r.is_duplicate}
    checked = 0
    for dup in rows:
        if dup.is_duplicate and synthetic.NAME_VARIANT in dup.errors:
            original = by_business[(dup.entity_id, dup.business_name)]
            assert name_key(dup.full_name) != name_key(original.full_name)
            checked += 1
    assert checked > 50


def test_old_desa_spelling_comes_from_the_aliases():
    rows = list(generate(people=400, seed=3, desa_codes=["35.14.06.2001"], duplicate_rate=1.0,
                         desa_names={"35.14.06.2001": "Oro-Oro Pule"},
                         desa_aliases={"35.14.06.2001": ["Oro Oro Puleh"]}))
    misspelt = {r.desa_name for r in rows if synthetic.DESA_SPELLING in r.errors}
    assert misspelt == {"Oro Oro Puleh"}
    assert {r.desa_name for r in rows if not r.is_duplicate} == {"Oro-Oro Pule"}


def test_no_duplicates_at_rate_zero():
    assert not any(r.is_duplicate for r in generate(people=500, seed=2, desa_codes=DESA_CODES, duplicate_rate=0))


def test_households_are_different_people_who_look_alike(originals):
    """Hard negatives: members share address, RT/RW and desa, sometimes a phone or the
    father's name, yet each is a different person with their own NIK."""
    households = collections.defaultdict(dict)
    for row in originals:
        households[row.household_id].setdefault(row.entity_id, row)
    shared = [list(members.values()) for members in households.values() if len(members) > 1]
    assert len(shared) > 300
    shares_phone = shares_surname = twins = 0
    for members in shared:
        assert len({(m.address, m.rw[-1:], m.rt[-1:], m.desa_code) for m in members}) == 1
        assert len({m.nik for m in members}) == len(members)
        phones = [m.phone for m in members if m.phone]
        shares_phone += len(phones) != len(set(phones))
        lasts = [_bare(m.full_name).split(" ")[-1] for m in members]
        shares_surname += len(lasts) != len(set(lasts))
        born = [m.birth_date for m in members]
        twins += len(born) != len(set(born))
    assert shares_phone > 20
    assert shares_surname > 10
    assert twins > 0


def test_koperasi_are_chaired_by_registrants_and_have_members(originals):
    chaired = [r for r in originals if r.koperasi is not None]
    assert chaired
    keys = {r.koperasi.key for r in chaired}
    assert len(keys) == len(chaired)
    assert all(_age(r.birth_date) >= 30 for r in chaired)
    legal = [r.koperasi.legal_number for r in chaired if r.koperasi.legal_number]
    assert len(legal) == len(set(legal))
    members = [r for r in originals if r.koperasi_key is not None]
    assert members and {r.koperasi_key for r in members} <= keys


@pytest.mark.parametrize("kwargs", [{"people": -1}, {"desa_codes": []}, {"duplicate_rate": 1.5}])
def test_bad_arguments_are_refused(kwargs):
    arguments = {"people": 5, "desa_codes": DESA_CODES} | kwargs
    with pytest.raises(ValueError):
        generate(**arguments)


@settings(max_examples=25, deadline=None)
@given(people=st.integers(0, 40), seed=st.integers(0, 10**6), rate=st.floats(0, 1))
def test_any_seed_gives_the_requested_people_with_valid_niks(people, seed, rate):
    rows = list(generate(people=people, seed=seed, desa_codes=DESA_CODES[:20], duplicate_rate=rate))
    assert len({r.entity_id for r in rows}) == people
    for row in rows:
        if not row.is_duplicate:
            assert nik_check(row.nik, sex=row.sex, birth_date=row.birth_date, region_codes=_all_regions,
                             today=AS_OF).valid
