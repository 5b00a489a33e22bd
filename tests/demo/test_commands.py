"""``geliat demo`` and ``geliat demo_logins`` as a developer runs them."""

import io

import pytest
from django.core.management import CommandError, call_command

from geliat.accounts.models import User
from geliat.demo.services import DEMO_PASSWORD
from geliat.registry.models import Business, Person


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def development(settings):
    settings.DEBUG = True


def test_demo_reports_what_it_made(regions, development):
    output = run("demo", "--people", "30", "--seed", "3")
    assert f"Data demo dibuat: {Person.objects.count()} orang, {Business.objects.count()} usaha" in output
    assert "detik" in output


def test_if_empty_leaves_a_filled_registry_alone(regions, development):
    run("demo", "--people", "30")
    counts = (Person.objects.count(), Business.objects.count())
    output = run("demo", "--people", "30", "--if-empty")
    assert "sudah berisi data" in output
    assert (Person.objects.count(), Business.objects.count()) == counts


def test_if_empty_fills_an_empty_registry(regions, development):
    run("demo", "--people", "20", "--if-empty")
    assert Person.objects.exists()


def test_duplicates_rate_is_passed_on(regions, development):
    output = run("demo", "--people", "200", "--duplicates", "0")
    assert "(0 pendaftaran ganda)" in output


def test_without_regions_the_commands_say_to_load_them(db, development):
    for command in (("demo", "--people", "10"), ("demo_logins",)):
        with pytest.raises(CommandError, match="Data wilayah belum dimuat. Jalankan dulu: geliat wilayah load"):
            run(*command)


def test_bad_people_count_is_refused(regions, development):
    with pytest.raises(CommandError, match="Jumlah orang harus 1 atau lebih"):
        run("demo", "--people", "0")


def test_refused_outside_development_unless_forced(regions, settings):
    """Demo people and published passwords stay out of a live registry by default."""
    settings.DEBUG = False
    for command in (("demo", "--people", "10"), ("demo_logins",)):
        with pytest.raises(CommandError, match="GELIAT_DEBUG=1"):
            run(*command)
    assert not Person.objects.exists() and not User.objects.exists()
    run("demo_logins", "--force")
    assert User.objects.filter(username="demo.rt").exists()


def test_demo_logins_prints_the_table(regions, development):
    output = run("demo_logins")
    assert "http://127.0.0.1:8000/akun/masuk/" in output
    lines = output.splitlines()
    for username in ("demo.koordinator", "demo.opd", "demo.kabupaten", "demo.kecamatan",
                     "demo.desa", "demo.dusun", "demo.rw", "demo.rt"):
        line = next(line for line in lines if line.startswith(username + " "))
        assert DEMO_PASSWORD in line
    rt_line = next(line for line in lines if line.startswith("demo.rt "))
    assert "RT 001, RW 001, Dusun" in rt_line and "Kecamatan Purwodadi" in rt_line
    assert "8 akun demo baru dibuat." in output
    assert "akun demo baru" not in run("demo_logins")
