"""The English interface: chosen only through the language switch, and fully translated."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdifr]|\{\w+\}")


def _catalogue_dir() -> Path:
    return Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"


def _po_entries() -> list[dict]:
    """The committed django.po as entries (header and obsolete ones left out): flags and strings by keyword.

    gettext separates entries with blank lines; a keyword line (msgid, msgid_plural, msgstr, msgstr[n],
    msgctxt) starts a string that continues on the following quoted lines.
    """
    entries, entry, field = [], None, None
    for line in (_catalogue_dir() / "django.po").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            entry = None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = {"flags": set(), "strings": {}}
            entries.append(entry)
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith('"'):
            entry["strings"][field] += ast.literal_eval(line)
        elif not line.startswith("#"):
            field, _, value = line.partition(" ")
            entry["strings"][field] = ast.literal_eval(value)
    return [e for e in entries if e["strings"].get("msgid")]


def _translations(entry: dict) -> list[str]:
    return [value for key, value in entry["strings"].items() if key.startswith("msgstr")]


def _public_pages(client):
    return {
        "public home": client.get(reverse("registry:public_home")),
        "registration": client.get(reverse("registry:self_register")),
        "login": client.get(reverse("accounts:login")),
    }


@pytest.mark.django_db
def test_english_cookie_shows_english_public_pages(client):
    """With the language cookie set to en, the public home, registration and login pages read in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    pages = _public_pages(client)

    home = pages["public home"].content.decode()
    assert "Registering affected koperasi and UMKM" in home
    assert "Register my business" in home
    assert "Check registration status" in home
    assert '<html lang="en">' in home
    assert "Daftarkan usaha saya" not in home

    registration = pages["registration"].content.decode()
    assert "Affected business registration" in registration
    assert "What is this data for?" in registration
    assert "Submit registration" in registration
    # A form label (gettext_lazy in forms.py), not only template text.
    assert "Full name as on the KTP (ID card)" in registration
    assert "Kirim pendaftaran" not in registration

    login = pages["login"].content.decode()
    assert "Officer login" in login
    assert "Activate your account and create a password" in login
    assert "Masuk petugas" not in login


@pytest.mark.django_db
def test_indonesian_without_cookie_even_if_browser_prefers_english(client):
    """Without the cookie the pages stay in Bahasa Indonesia, whatever Accept-Language the browser sends."""
    pages = {name: response.content.decode() for name, response in _public_pages(client).items()}
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en-US,en;q=0.9"
    pages_en_browser = {
        name: response.content.decode() for name, response in _public_pages(client).items()
    }

    for content in (pages, pages_en_browser):
        assert "Daftarkan usaha saya" in content["public home"]
        assert "Register my business" not in content["public home"]
        assert '<html lang="id">' in content["public home"]
        assert "Kirim pendaftaran" in content["registration"]
        assert "Submit registration" not in content["registration"]
        assert "Masuk petugas" in content["login"]
        assert "Officer login" not in content["login"]


@pytest.mark.django_db
def test_language_switch_turns_the_site_english_and_back(client):
    """The EN/ID switch in the header sets the cookie: the next page is English, then Indonesian again."""
    login_url = reverse("accounts:login")
    response = client.post(reverse("set_language"), {"language": "en", "next": login_url})
    assert response.status_code == 302
    assert "Officer login" in client.get(login_url).content.decode()

    client.post(reverse("set_language"), {"language": "id", "next": login_url})
    assert "Masuk petugas" in client.get(login_url).content.decode()


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    """Every interface string has an English translation that Django will use (none empty, none fuzzy)."""
    entries = _po_entries()
    assert len(entries) > 100, "the English catalogue looks empty"
    untranslated = [e["strings"]["msgid"] for e in entries if not all(_translations(e))]
    fuzzy = [e["strings"]["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [], "translate these in geliat/locale/en/LC_MESSAGES/django.po"
    assert fuzzy == [], "review these fuzzy translations and remove the fuzzy flag"


def test_translations_keep_every_placeholder():
    """An English string keeps the Indonesian one's %(name)s/{name} placeholders, so rendering it cannot fail."""
    mismatched = []
    for entry in _po_entries():
        strings = entry["strings"]
        sources = {"msgstr": strings["msgid"], "msgstr[0]": strings["msgid"]}
        if "msgid_plural" in strings:
            sources["msgstr[1]"] = strings["msgid_plural"]
        for key, source in sources.items():
            if key in strings and sorted(PLACEHOLDER.findall(source)) != sorted(
                PLACEHOLDER.findall(strings[key])
            ):
                mismatched.append((source, strings[key]))
    assert mismatched == []


def test_compiled_catalogue_matches_the_po_file():
    """django.mo (what Django reads) carries the same English as django.po: nobody forgot compilemessages."""
    with (_catalogue_dir() / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = []
    for entry in _po_entries():
        strings = entry["strings"]
        context = strings.get("msgctxt")
        if "msgid_plural" in strings:
            plural = (strings["msgid"], strings["msgid_plural"])
            got = [
                catalogue.npgettext(context, *plural, n)
                if context
                else catalogue.ngettext(*plural, n)
                for n in (1, 2)
            ]
            expected = [strings["msgstr[0]"], strings["msgstr[1]"]]
        else:
            msgid = strings["msgid"]
            got = [catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)]
            expected = [strings["msgstr"]]
        if got != expected:
            stale.append(strings["msgid"])
    assert stale == [], "run: cd geliat && django-admin compilemessages"
