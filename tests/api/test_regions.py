"""The region search clients use to fill ``region`` fields: names, children, inside the regency."""


def test_search_by_name_finds_the_desa_first(api, desa_officer):
    response = api(desa_officer).get("/api/v1/regions/", {"q": "GERBO"})
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first == {
        "code": "35.14.01.2001", "name": "Gerbo", "label": "Desa Gerbo", "level": "desa",
        "parent": "35.14.01", "matched_alias": None,
    }


def test_search_can_be_limited_by_level_and_parent(api, desa_officer):
    client = api(desa_officer)
    kecamatan = client.get("/api/v1/regions/", {"q": "purwodadi", "level": "kecamatan"}).json()["results"]
    assert [row["code"] for row in kecamatan] == ["35.14.01"]
    inside_tutur = client.get("/api/v1/regions/", {"q": "a", "parent": "35.14.02"}).json()["results"]
    assert inside_tutur and all(row["code"].startswith("35.14.02.") for row in inside_tutur)


def test_without_a_query_the_children_are_listed(api, desa_officer, regions):
    client = api(desa_officer)
    kecamatan = client.get("/api/v1/regions/").json()
    assert kecamatan["count"] == regions.filter(level="kecamatan").count() == 24
    desa = client.get("/api/v1/regions/", {"parent": "35.14.01"}).json()["results"]
    assert {row["level"] for row in desa} == {"desa"}
    assert "35.14.01.2001" in {row["code"] for row in desa}


def test_regions_outside_the_regency_are_not_served(api, desa_officer):
    response = api(desa_officer).get("/api/v1/regions/", {"parent": "35.73"})
    assert response.status_code == 400
    assert response.json() == {"parent": ["Kode induk harus di dalam kabupaten yang dilayani (35.14)."]}


def test_an_unknown_level_is_a_clear_error(api, desa_officer):
    response = api(desa_officer).get("/api/v1/regions/", {"level": "negara"})
    assert response.status_code == 400
    assert response.json() == {"level": ['"negara" tidak ada dalam daftar pilihan.']}
