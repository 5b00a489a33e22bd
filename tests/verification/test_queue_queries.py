"""The queue page costs the same number of queries for 3 rows as for 30: nothing per row."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import TEST_PASSWORD
from tests.verification.conftest import DUSUN_RT, start


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("verification:queue"))
    assert response.status_code == 200
    return len(captured)


def test_queue_page_queries_do_not_grow_with_rows(client, officers):
    officer = officers[DUSUN_RT]
    client.login(username=officer.username, password=TEST_PASSWORD)
    for _ in range(3):
        start(DUSUN_RT)
    few = _queries(client)
    for _ in range(27):
        start(DUSUN_RT)
    many = _queries(client)
    assert many == few, f"{few} queries for 3 rows, {many} for 30"
