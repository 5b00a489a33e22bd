"""Indonesian name normalisation: the spellings of one name meet, different names stay apart."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geliat.dedup.names import (
    name_core,
    name_key,
    name_normalise,
    name_tokens,
    place_key,
    region_code,
)


def _same(*names: str) -> bool:
    return len({name_key(name) for name in names}) == 1


def test_muhammad_spellings_are_one_name():
    """Moch., Moh., M., Mochammad, Mohamad, Mohammad, Muhamad and Muhammad are one word."""
    assert _same("Moch. Sholeh", "MUHAMMAD SHOLEH", "Moh. Sholeh", "M. Sholeh", "Mochammad Sholeh",
                 "Mohamad Sholeh", "Mohammad Sholeh", "Muhamad Sholeh", "M.Sholeh")


def test_siti_nur_ahmad_abdul_spellings_are_one_name():
    """St./Sitti are Siti, Noor/Noer are Nur, Achmad/Ach. are Ahmad, Abd./Abdoel are Abdul."""
    assert _same("St. Aminah", "Siti Aminah", "Sitti Aminah")
    assert _same("Noor Hasanah", "Nur Hasanah", "Noer Hasanah")
    assert _same("Achmad Fauzi", "Ach. Fauzi", "Ahmad Fauzi", "Akhmad Fauzi")
    assert _same("Abd. Rochim", "Abdul Rochim", "Abdoel Rochim")


def test_old_spellings_meet_the_current_ones():
    """Pre-1972 spellings (oe, dj, tj, sj, nj) and ch/kh/h agree with today's."""
    assert _same("Djoko Soesilo", "Joko Susilo")
    assert _same("Tjahjono", "Cahyono")
    assert _same("Sjamsul Arifin", "Syamsul Arifin")
    assert _same("Njoman", "Nyoman")
    assert _same("Chusnul Chotimah", "Khusnul Khotimah", "Husnul Hotimah")
    assert _same("Jusuf", "Yusuf")


def test_titles_and_degrees_are_not_part_of_the_name():
    """H., Hj., Haji, Drs., Ir., Dr. before a name and S.Pd, S.E., M.Pd, A.Md after it are dropped."""
    assert _same("H. Ahmad Fauzi", "Haji Ahmad Fauzi", "Drs. H. Ahmad Fauzi, M.Pd", "Ahmad Fauzi S.Pd.I", "AHMAD FAUZI")
    assert _same("Hj. Siti Aminah", "Hajjah Siti Aminah", "Siti Aminah, S.E.", "Siti Aminah A.Md")
    assert _same("Ir. Bambang Riyadi", "Bambang Riyadi SH", "Dr. Bambang Riyadi")


def test_joined_and_split_names_share_a_key():
    """"Siti Nur Aisyah" and "Siti Nuraisyah" (and "Nur Rohmah"/"Nurrohmah") have one key."""
    assert _same("Siti Nur Aisyah", "Siti Nuraisyah", "SITI NURAISYAH")
    assert _same("Nur Rohmah", "Nurrohmah")


def test_case_spacing_and_punctuation_are_ignored():
    """Capitals, repeated spaces and apostrophes do not change the key."""
    assert _same("  siti   AMINAH ", "Siti Aminah")
    assert _same("Ma'ruf", "Maruf", "Ma`ruf", "Ma’ruf")


def test_different_names_stay_different():
    """Normalisation does not merge names that are really different."""
    assert name_key("Ahmad Fauzi") != name_key("Ahmad Fauzan")
    assert name_key("Sri Wahyuni") != name_key("Sri Rahayu")
    assert name_key("Nur Hasanah") != name_key("Hasanah")
    assert name_key("Siti Aminah") != name_key("Aminah")


def test_normalised_name_is_readable():
    """The readable form keeps words and spaces, in the current spelling, without titles."""
    assert name_normalise("H. MOCH. SHOLEH, S.Pd") == "muhammad sholeh"
    assert name_normalise("Djoko Soesilo") == "joko susilo"
    assert name_tokens("Siti Nur Aisyah") == name_tokens("St. Noer Aisjah")
    assert len(name_tokens("Siti Nur Aisyah")) == 3


def test_core_drops_common_leading_words():
    """The core leaves out Muhammad, Ahmad and Siti, but never the whole name."""
    assert name_core("Moch. Sholeh") == name_core("Sholeh")
    assert name_core("Siti Aminah") == name_core("Aminah")
    assert name_core("Muhammad") == name_key("Muhammad")


@pytest.mark.parametrize("value", [None, "", "   ", 12345, 3.5, "., -", "H.", "12 34"])
def test_empty_or_garbage_gives_an_empty_key(value):
    """Anything that is not a name yields an empty key rather than an error."""
    assert name_key(value) == "" or name_key(value).isalpha()


def test_place_keys_fold_old_spellings_and_prefixes():
    """Desa names compare across "Ds."/"Desa" prefixes, capitals, hyphens and old spellings."""
    assert place_key("Ds. Kedjapanan") == place_key("KEJAPANAN") == place_key("Desa Kejapanan")
    assert place_key("Oro-Oro Ombo") == place_key("Oro Oro Ombo")
    assert place_key("Kejapanan") != place_key("Kejayan")


def test_region_codes_stay_codes():
    """A Kemendagri code, dotted or not, becomes the dotted code; a name is not a code."""
    assert place_key("3514012001") == "35.14.01.2001"
    assert place_key("35.14.01") == "35.14.01"
    assert region_code("Gerbo") == ""


names_text = st.text(alphabet=st.sampled_from(list("abcdehijkmnorstuyACDHJKMOSTU .,'-")), max_size=40)


@settings(max_examples=300, deadline=None)
@given(names_text)
def test_normalisation_is_idempotent(text):
    """Normalising a normalised name changes nothing, and its key stays the same."""
    once = name_normalise(text)
    assert name_normalise(once) == once
    assert name_key(once) == name_key(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_a_plain_key(text):
    """Whatever is typed, the key is lower-case letters only (no error, no digits, no spaces)."""
    key = name_key(text)
    assert key == "" or (key.isascii() and key.isalpha() and key.islower())


@settings(max_examples=200, deadline=None)
@given(names_text, names_text)
def test_spacing_never_matters(first, second):
    """Two words written apart or together give the same key."""
    first, second = first.strip(" .,'-"), second.strip(" .,'-")
    if first and second and "," not in first:
        assert name_key(f"{first} {second}") == name_key(f"{first}  {second}")
