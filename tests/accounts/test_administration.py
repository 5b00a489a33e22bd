"""Administration down the hierarchy: who sees and manages which accounts.

A manager handles accounts strictly below their own level, inside their region;
the regency's managers also handle OPD staff. Everything else answers 404.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from geliat.accounts import services
from geliat.accounts.models import Role, User
from geliat.accounts.selectors import account_manageable, users_for_user
from geliat.audit.models import AuditEvent
from geliat.wilayah.models import Region
from tests.accounts.conftest import DAWUHANSENGON, GERBO, KABUPATEN, NGADIREJO, PURWODADI
from tests.factories import AgencyFactory, UserFactory


@pytest.fixture
def people(regions, kabupaten_admin, kecamatan_admin, desa_admin):
    """Accounts at every level around Desa Gerbo, keyed by a short name."""
    return {
        "kabupaten_admin": kabupaten_admin,
        "kecamatan_admin": kecamatan_admin,
        "desa_admin": desa_admin,
        "gerbo_rt": UserFactory.at(GERBO + ".RW001.RT003"),
        "gerbo_rw": UserFactory.at(GERBO + ".RW001"),
        "gerbo_dusun": UserFactory.at(GERBO + ".D01"),
        "gerbo_officer": UserFactory.at(GERBO),
        "dawuhan_rt": UserFactory.at(DAWUHANSENGON + ".RW001.RT001"),
        "purwodadi_officer": UserFactory.at(PURWODADI),
        "tutur_desa_admin": UserFactory.at(NGADIREJO, manager=True),
        "opd_staff": UserFactory.at(KABUPATEN, role=Role.AGENCY),
        "coordinator": UserFactory.at(KABUPATEN, role=Role.COORDINATOR),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        "root": UserFactory(is_superuser=True, is_staff=True),
    }


MANAGES = {
    "desa_admin": {"gerbo_rt", "gerbo_rw", "gerbo_dusun"},
    "kecamatan_admin": {"gerbo_rt", "gerbo_rw", "gerbo_dusun", "gerbo_officer", "desa_admin", "dawuhan_rt"},
    "kabupaten_admin": {
        "gerbo_rt", "gerbo_rw", "gerbo_dusun", "gerbo_officer", "desa_admin", "dawuhan_rt",
        "purwodadi_officer", "kecamatan_admin", "tutur_desa_admin", "opd_staff",
    },
    "superuser": {
        "gerbo_rt", "gerbo_rw", "gerbo_dusun", "gerbo_officer", "desa_admin", "dawuhan_rt",
        "purwodadi_officer", "kecamatan_admin", "tutur_desa_admin", "opd_staff",
        "kabupaten_admin", "coordinator",
    },
    "tutur_desa_admin": set(),
}


@pytest.mark.parametrize("actor", sorted(MANAGES))
def test_account_list_shows_exactly_the_accounts_below(actor, people, client):
    client.force_login(people[actor])
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 200
    listed = {u.pk for u in response.context["page"].object_list}
    assert listed == {people[name].pk for name in MANAGES[actor]}


@pytest.mark.parametrize("actor", sorted(MANAGES))
def test_accounts_outside_ones_reach_answer_404(actor, people, client):
    """Each account page opens for accounts below; any other (same level, above, elsewhere, oneself) is 404."""
    client.force_login(people[actor])
    for name, target in people.items():
        response = client.get(reverse("accounts:user_detail", args=[target.pk]))
        expected = 200 if name in MANAGES[actor] else 404
        assert response.status_code == expected, (actor, name)


def test_acting_on_an_account_out_of_reach_is_404_and_changes_nothing(people, client):
    client.force_login(people["desa_admin"])
    target = people["dawuhan_rt"]
    for url in ("accounts:user_deactivate", "accounts:user_reset", "accounts:user_reactivate"):
        assert client.post(reverse(url, args=[target.pk])).status_code == 404
    target.refresh_from_db()
    assert target.is_active and target.has_usable_password()


def test_the_create_rule_agrees_with_the_list(people):
    """Whether one may create an account at a node and role equals whether one may see such an account."""
    for actor_name in MANAGES:
        actor = people[actor_name]
        visible = set(users_for_user(viewer=actor).values_list("pk", flat=True))
        for name, target in people.items():
            if target.is_superuser or target == actor:
                continue
            allowed = account_manageable(actor=actor, region=target.region, role=target.role)
            assert allowed == (target.pk in visible), (actor_name, name)


def test_officer_without_the_manager_flag_cannot_open_accounts(people, client):
    client.force_login(people["gerbo_officer"])
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("accounts:user_create")).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def _create(client, **data):
    base = {"full_name": "Siti Aminah", "phone": "", "username": "", "level": "rt",
            "kecamatan": "", "desa": "", "dusun": "", "rw": "1", "rt": "5"}
    return client.post(reverse("accounts:user_create"), {**base, **data})


def test_desa_admin_creates_an_rt_officer_in_their_desa(people, client):
    """The code is shown once, the account sits at the new RT, and creation is audited without secrets."""
    admin = people["desa_admin"]
    client.force_login(admin)
    response = _create(client, phone="0812 3456 7890")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    code = response.context["code"]
    user = User.objects.get(full_name="Siti Aminah")
    assert user.region_id == GERBO + ".RW001.RT005"
    assert user.created_by == admin
    assert user.phone == "+6281234567890"
    assert user.username == "siti.aminah"
    assert user.check_activation_code(code)
    assert code in response.content.decode()
    event = AuditEvent.objects.get(action="create", object_type="accounts.user", object_id=str(user.pk))
    assert event.actor == admin
    assert event.after["region"] == GERBO + ".RW001.RT005"
    assert "password" not in event.after and "activation_hash" not in event.after
    assert code not in str(event.after)


def test_desa_admin_cannot_create_in_another_desa(people, client):
    client.force_login(people["desa_admin"])
    response = _create(client, kecamatan="Tutur", desa="Ngadirejo")
    assert response.status_code == 200
    assert "di luar wilayah Anda" in response.content.decode()
    assert not User.objects.filter(full_name="Siti Aminah").exists()
    # Nor did the refused attempt leave an RW/RT behind in the other desa.
    assert not Region.objects.filter(code__startswith=NGADIREJO + ".").exists()


def test_desa_admin_cannot_create_at_their_own_level(people, client):
    """Desa is not offered to a desa admin, and the service refuses it too."""
    admin = people["desa_admin"]
    client.force_login(admin)
    response = _create(client, level="desa", rw="", rt="")
    assert "level" in response.context["form"].errors
    with pytest.raises(ValidationError, match="tingkat di bawah"):
        services.user_create(
            actor=admin, username="", full_name="Kades Baru", phone="", role=Role.OFFICER, region=admin.region
        )


def test_kecamatan_admin_creates_a_desa_admin_who_can_then_create_rt(people, client):
    client.force_login(people["kecamatan_admin"])
    response = _create(client, full_name="Kades Dawuhan", level="desa", desa="Dawuhansengon",
                       rw="", rt="", can_manage_accounts="on")
    assert response.status_code == 200, response.context["form"].errors
    new_admin = User.objects.get(full_name="Kades Dawuhan")
    assert new_admin.region_id == DAWUHANSENGON
    assert new_admin.can_manage_accounts
    client.force_login(new_admin)
    assert _create(client, full_name="Ketua RT Dawuhan").status_code == 200
    assert User.objects.get(full_name="Ketua RT Dawuhan").region_id == DAWUHANSENGON + ".RW001.RT005"


def test_kabupaten_admin_creates_opd_staff(people, client):
    agency = AgencyFactory(name="Dinas Koperasi dan Usaha Mikro", short_name="Diskop UM")
    client.force_login(people["kabupaten_admin"])
    response = _create(client, full_name="Staf Diskop", role="agency", agency=agency.pk, level="kecamatan", rw="", rt="")
    assert response.status_code == 200, response.context["form"].errors
    staff = User.objects.get(full_name="Staf Diskop")
    assert (staff.role, staff.agency, staff.region_id) == (Role.AGENCY, agency, KABUPATEN)


def test_opd_staff_needs_an_agency(people, client):
    client.force_login(people["kabupaten_admin"])
    response = _create(client, full_name="Staf Tanpa OPD", role="agency", level="kecamatan", rw="", rt="")
    assert "Staf OPD harus memilih OPD" in response.content.decode()
    assert not User.objects.filter(full_name="Staf Tanpa OPD").exists()


def test_only_superusers_create_coordinators(people):
    regency = people["kabupaten_admin"].region
    with pytest.raises(ValidationError):
        services.user_create(actor=people["kabupaten_admin"], username="", full_name="Koord",
                             phone="", role=Role.COORDINATOR, region=regency)
    user, _code = services.user_create(actor=people["superuser"], username="", full_name="Koord",
                                       phone="", role=Role.COORDINATOR, region=regency)
    assert user.role == Role.COORDINATOR


def test_form_offers_roles_and_levels_by_rank(people, client):
    client.force_login(people["desa_admin"])
    form = client.get(reverse("accounts:user_create")).context["form"]
    assert "role" not in form.fields  # officers only
    assert [value for value, _label in form.fields["level"].choices] == ["dusun", "rw", "rt"]
    client.force_login(people["kabupaten_admin"])
    form = client.get(reverse("accounts:user_create")).context["form"]
    assert [value for value, _label in form.fields["role"].choices] == ["officer", "agency"]


def test_bad_input_is_named_in_indonesian(people, client):
    client.force_login(people["desa_admin"])
    response = _create(client, full_name="Budi", phone="0812-BUNGA", username="Budi Santoso!")
    content = response.content.decode()
    assert response.status_code == 200
    assert "No. HP/WA hanya boleh berisi angka" in content
    response = _create(client, full_name="Budi", username="Budi Santoso!")
    assert "tidak dapat dipakai" in response.content.decode()
    response = _create(client, full_name="Budi", rw="", rt="5")
    assert "isi juga nomor RW" in response.content.decode()
    assert not User.objects.filter(full_name="Budi").exists()


def test_taken_username_is_refused(people, client):
    client.force_login(people["desa_admin"])
    UserFactory(username="siti.rt")
    response = _create(client, username="SITI.RT")
    assert "sudah dipakai" in response.content.decode()


def test_deactivate_and_reactivate_are_audited(people, client):
    admin, target = people["desa_admin"], people["gerbo_rt"]
    client.force_login(admin)
    assert client.post(reverse("accounts:user_deactivate", args=[target.pk])).status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    client.post(reverse("accounts:user_reactivate", args=[target.pk]))
    target.refresh_from_db()
    assert target.is_active
    events = list(AuditEvent.objects.filter(object_id=str(target.pk), action="account").order_by("id"))
    assert [(e.before, e.after) for e in events] == [
        ({"is_active": True}, {"is_active": False}),
        ({"is_active": False}, {"is_active": True}),
    ]
    assert all(e.actor == admin for e in events)


def test_reset_shows_a_new_code_and_is_audited(people, client):
    admin, target = people["desa_admin"], people["gerbo_rt"]
    client.force_login(admin)
    response = client.post(reverse("accounts:user_reset", args=[target.pk]))
    assert response.status_code == 200
    code = response.context["code"]
    target.refresh_from_db()
    assert target.check_activation_code(code) and not target.has_usable_password()
    event = AuditEvent.objects.filter(object_id=str(target.pk), action="account").latest("id")
    assert "activation_expires" in event.after
    assert "password" not in event.after and code not in str(event.after)


def test_reset_of_a_deactivated_account_asks_to_reactivate_first(people, client):
    admin, target = people["desa_admin"], people["gerbo_rt"]
    services.user_deactivate(actor=admin, user=target)
    client.force_login(admin)
    response = client.post(reverse("accounts:user_reset", args=[target.pk]), follow=True)
    assert "Aktifkan kembali dulu" in response.content.decode()


def test_services_refuse_out_of_reach_accounts(people):
    """Services check the rule themselves, whatever the caller."""
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=people["desa_admin"], user=people["dawuhan_rt"])
    with pytest.raises(PermissionDenied):
        services.user_reset(actor=people["kecamatan_admin"], user=people["kecamatan_admin"])


def test_account_page_shows_the_history(people, client):
    admin, target = people["desa_admin"], people["gerbo_rt"]
    services.user_deactivate(actor=admin, user=target)
    client.force_login(admin)
    response = client.get(reverse("accounts:user_detail", args=[target.pk]))
    assert "Akun dinonaktifkan" in response.content.decode()


def test_list_filters_by_level_and_status(people, client):
    services.user_deactivate(actor=people["kecamatan_admin"], user=people["gerbo_rw"])
    client.force_login(people["kecamatan_admin"])
    page = client.get(reverse("accounts:user_list"), {"level": "rt"}).context["page"]
    assert {u.pk for u in page} == {people["gerbo_rt"].pk, people["dawuhan_rt"].pk}
    page = client.get(reverse("accounts:user_list"), {"status": "nonaktif"}).context["page"]
    assert [u.pk for u in page] == [people["gerbo_rw"].pk]
