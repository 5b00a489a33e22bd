"""Finding regions the way people write them: search, matching for importers, children."""

import pytest
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geliat.wilayah.models import Level, Region
from geliat.wilayah.selectors import (
    get_region_or_404,
    regency,
    region_children,
    region_match,
    region_search,
)
from geliat.wilayah.services import regions_load, unit_get_or_create

ORO_ORO_PULE = "35.14.06.2001"


@pytest.mark.parametrize(
    "written",
    ["oro oro puleh", "Oro-Oro Pule", "ORO OROPULE", "oro-oro pule", "Oro Oro Puleh", "  oro.oro  pule "],
)
def test_search_ignores_case_spacing_hyphens_and_old_spelling(regions, written):
    assert region_search(q=written)[0].code == ORO_ORO_PULE


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cases=st.lists(st.booleans(), min_size=10, max_size=10),
    gaps=st.lists(st.sampled_from(["", " ", "-", "  ", ". "]), min_size=9, max_size=9),
)
def test_any_casing_and_separators_still_find_the_desa(regions, cases, gaps):
    """However "Tundosoro" is cased and split, it is the first hit."""
    letters = [c.upper() if up else c for c, up in zip("tundosoro", cases, strict=False)]
    written = "".join(letter + gap for letter, gap in zip(letters, gaps, strict=False))
    assert region_search(q=written, within="35.14")[0].code == "35.14.06.2021"


def test_old_spelling_hit_says_which_spelling_matched(regions):
    [hit] = region_search(q="Patuguhan")
    assert (hit.code, hit.name, hit.matched_alias) == ("35.14.23.2013", "Patuguran", "Patuguhan")
    [current] = region_search(q="Patuguran")
    assert current.matched_alias is None


def test_exact_names_come_before_prefixes_before_contains(regions):
    """"Pandaan": the kecamatan and desa named exactly so first, then longer names."""
    hits = region_search(q="pandaan", within="35.14")
    exact = [h for h in hits if h.name_key == "pandaan"]
    assert hits[: len(exact)] == exact and len(exact) >= 2
    ranks = [h.rank for h in hits]
    assert ranks == sorted(ranks)


def test_prefix_matches_rank_above_matches_inside_a_name(regions):
    hits = region_search(q="jati", within="35.14", levels=[Level.DESA], limit=50)
    starts = [h.name_key.startswith("jati") for h in hits]
    assert starts == sorted(starts, reverse=True)
    assert any(starts) and not all(starts)


def test_search_respects_within_levels_and_limit(regions):
    hits = region_search(q="kalirejo", within="35.14.09")
    assert [h.code for h in hits] == ["35.14.09.2014"]
    assert all(h.level == Level.KECAMATAN for h in region_search(q="purwo", levels=[Level.KECAMATAN]))
    assert len(region_search(q="a", limit=5)) == 5


def test_search_of_nothing_finds_nothing(regions):
    assert region_search(q="") == []
    assert region_search(q=" - ") == []
    assert region_search(q="zzzqqq") == []


def test_match_takes_whole_names_within_a_parent(regions):
    assert region_match(name="GERBO", level=Level.DESA).code == "35.14.01.2001"
    assert region_match(name="Kalirejo", level=Level.DESA, within="35.14.09").code == "35.14.09.2014"


def test_match_is_none_when_ambiguous_or_partial(regions):
    """Four desa in the regency are called Kalirejo: an importer must not guess."""
    assert region_match(name="Kalirejo", level=Level.DESA, within="35.14") is None
    assert region_match(name="Gerb", level=Level.DESA) is None
    assert region_match(name="Gerbo", level=Level.KECAMATAN) is None


def test_match_finds_old_spellings_and_level_words(regions):
    assert region_match(name="Oro Oro Puleh", level=Level.DESA).code == ORO_ORO_PULE
    assert region_match(name="Desa Oro-Oro Pule", level=Level.DESA).code == ORO_ORO_PULE
    assert region_match(name="Kel. Kalirejo", level=Level.DESA, within="35.14.14").code == "35.14.14.1014"
    assert region_match(name="Kec. Purwodadi", level=Level.KECAMATAN).code == "35.14.01"


def test_children_are_listed_by_name_and_filtered_by_level(regions):
    kecamatan = list(region_children(parent_code="35.14", level=Level.KECAMATAN))
    assert len(kecamatan) == 24
    assert [k.name for k in kecamatan] == sorted(k.name for k in kecamatan)
    assert region_children(parent_code="35.14.01").count() == 13
    assert not region_children(parent_code="35.14.01", level=Level.KECAMATAN).exists()


def test_a_desa_lists_its_rws_including_those_under_a_dusun(desa):
    """A person who skips the dusun can still pick the RW."""
    under_dusun = unit_get_or_create(desa=desa, dusun="Krajan", rw=1)
    direct = unit_get_or_create(desa=desa, rw=2)
    assert set(region_children(parent_code=desa.code, level=Level.RW)) == {under_dusun, direct}
    assert list(region_children(parent_code=under_dusun.parent_id, level=Level.RW)) == [under_dusun]
    # Without a level only the direct children: the dusun and the RW hanging off the desa.
    assert {r.level for r in region_children(parent_code=desa.code)} == {Level.DUSUN, Level.RW}


def test_regency_is_the_configured_kabupaten(regions, settings):
    assert regency().name == "Kabupaten Pasuruan"
    settings.GELIAT_REGENCY_CODE = "35.14.01"
    assert regency().code == "35.14.01"


def test_get_region_or_404(regions):
    assert get_region_or_404("35.14").level == Level.KABUPATEN
    with pytest.raises(Http404):
        get_region_or_404("35.99")


def test_kelurahan_and_kota_are_told_apart_by_their_codes(regions, write_table):
    regions_load(path=write_table([["35.75", "Kota Pasuruan", "kabupaten", "35"]]))
    assert Region.objects.get(code="35.75").is_kota
    assert not Region.objects.get(code="35.14").is_kota
    assert Region.objects.get(code="35.14.14.1014").label == "Kelurahan Kalirejo"
    assert Region.objects.get(code="35.14.09.2014").label == "Desa Kalirejo"
