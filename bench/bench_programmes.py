"""Programme rules and overlap checks over 1,000,000 registry rows, on PostgreSQL.

The programme is BPUM-like: affected groups, micro size, verified up to kabupaten, revenue
drop of at least 30%, not on an active exclusion list (ASN, TNI, Polri, BUMN/BUMD, KUR
debtors), not already in the programme, not in another programme of its overlap class
whose period overlaps; one person per identity (records merged by dedup count once).

(a) ``proposal_build``: the rules compiled to Django ``Q`` objects and run as two
statements (one aggregate counting the businesses failing each condition, one
``INSERT … SELECT`` of the eligible, one business per identity), against the peer: the
same ``INSERT … SELECT`` hand-written as one SQL statement.

(b) The eligible count alone: the ORM's compiled query (``.count()``) against the same
count hand-written, i.e. what the rule compiler's SQL costs next to a person's.

(c) One page (50 rows) of businesses out, each with its reasons (one boolean per
condition, computed by the same expressions), as the proposal page shows it.

(d) Overlap checks at enrolment: ``proposal_rows_confirm`` of 1,000 proposed rows (one
query for the conflicts of all identities, quota under a row lock, enrolments and their
claim rows written), against the peer: one ``INSERT … SELECT`` of the same enrolments
with the conflict test as ``NOT EXISTS``.

The database ``geliat_bench_programmes`` is created when missing, filled once with SQL
``generate_series`` (people, businesses, registrations, verifications, an ASN list of
20,000 matched entries, 50,000 enrolments in another programme of the class, 1% of the
people merged into another record) and kept for the next run, which reuses it when it
holds the right count. ``BENCH_PROGRAMMES_DROP=1`` drops it afterwards;
``BENCH_PROGRAMMES_RECORDS`` changes the size (default 1,000,000), ``BENCH_REPEAT`` the
repetitions (best of, default 3).

Standalone: ``.venv/bin/python bench/bench_programmes.py``; or ``python -m bench programmes``.
"""

import datetime
import json
import os
import sys
import time
from pathlib import Path

from bench.pg import run_worker

ROOT = Path(__file__).resolve().parent.parent
PG_DATABASE = "geliat_bench_programmes"
RECORDS = int(os.environ.get("BENCH_PROGRAMMES_RECORDS", "1000000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
CONFIRM = 1000
GROUPS = [2, 3, 4, 6, 8, 9, 10]
EXCLUDED = ["asn", "tni", "polri", "bumn_bumd", "kur_debtor"]


# ---------------------------------------------------------------- the worker (own process)


def _fill() -> float:
    """Fill the registry and the programme data with SQL; returns seconds taken."""
    from django.db import connection

    from geliat.wilayah.models import Level, Region

    started = time.perf_counter()
    desas = list(Region.objects.filter(level=Level.DESA, code__startswith="35.14.").order_by("code").values_list("code", flat=True))
    n = RECORDS
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE registry_person, programmes_programme RESTART IDENTITY CASCADE")
        cursor.execute("CREATE TEMP TABLE bench_desa (n int PRIMARY KEY, code varchar(40))")
        cursor.execute("INSERT INTO bench_desa SELECT ordinality - 1, code FROM unnest(%s::varchar[]) WITH ORDINALITY AS t(code)", [desas])
        count = len(desas)
        # Pseudo-random but repeatable spreads: multiplicative hashes of the row number.
        cursor.execute(
            """
            INSERT INTO registry_person (id, address, rt, rw, region_id, created_at, updated_at, version, nik, full_name,
                name_key, sex, birth_place, birth_date, phone, nik_warnings, merged_into_id)
            SELECT i, 'Jl. Uji ' || i, '', '', d.code, now(), now(), 1, '35' || lpad(i::text, 14, '0'), 'Pemilik Uji ' || i,
                'pemilikuji' || i, CASE WHEN i %% 2 = 0 THEN 'L' ELSE 'P' END, 'Pasuruan',
                date '1950-01-01' + ((i::bigint * 7919) %% 18000)::int, '', '[]'::jsonb, NULL
            FROM generate_series(1, %s) AS i JOIN bench_desa d ON d.n = (i::bigint * 2654435761 %% %s)
            """,
            [n, count],
        )
        # 1% of the records are duplicates dedup merged into the record before them (kept flat);
        # both records' businesses meet the rules, so the pair tests one-person-one-row.
        cursor.execute("UPDATE registry_person SET merged_into_id = id - 1 WHERE id %% 100 = 2", [])
        cursor.execute(
            """
            INSERT INTO registry_business (id, address, rt, rw, region_id, created_at, updated_at, version, owner_id, name,
                affected_group, kbli_section, capital, annual_sales, size, revenue_before, revenue_now, impacts,
                impact_note, products)
            SELECT p.id, p.address, '', '', p.region_id, now(), now(), 1, p.id, 'Usaha Uji ' || p.id,
                1 + (p.id::bigint * 31 %% 10), 'G', 20000000, 120000000,
                CASE WHEN p.id %% 10 < 7 THEN 'mikro' WHEN p.id %% 10 < 9 THEN 'kecil' ELSE '' END,
                CASE WHEN p.id %% 25 = 0 THEN NULL ELSE 5000000 + (p.id::bigint * 13 %% 20) * 1000000 END,
                (5000000 + (p.id::bigint * 13 %% 20) * 1000000) * (p.id::bigint * 17 %% 100) / 100,
                '[]'::jsonb, '', ''
            FROM registry_person p
            """,
            [],
        )
        cursor.execute(
            """
            INSERT INTO registry_registration (id, tracking_code, person_id, business_id, channel, status, consent_version, created_at)
            SELECT id, 'GLT-' || lpad(id::text, 10, '0'), id, id, 'officer', 'submitted', '', now() FROM registry_business
            """
        )
        cursor.execute(
            """
            INSERT INTO verification_verification (id, registration_id, status, step, level, node_code, chain, region_code,
                waiting_since, return_reason, return_fields, version, updated_at)
            SELECT b.id, b.id, CASE WHEN b.id %% 5 < 3 THEN 'verified' ELSE 'waiting' END, 0,
                CASE WHEN b.id %% 5 < 3 THEN '' ELSE 'desa' END, CASE WHEN b.id %% 5 < 3 THEN '' ELSE b.region_id END,
                '[]'::jsonb, b.region_id, now(), '', '[]'::jsonb, 1, now()
            FROM registry_business b
            """,
            [],
        )
    _programmes()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO programmes_outsidelist (code, name, kind, category, issuer, active, file_name, file, mapping, status,
                error, rows_read, accepted, rejected, matched, overlapping, created_at)
            VALUES ('asn-bench', 'ASN Pemkab (bench)', 'exclusion', 'asn', 'BKPSDM', true, '', '', '{}'::jsonb, 'done', '',
                0, 0, 0, 0, 0, now())
            RETURNING id
            """
        )
        list_id = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO programmes_outsidelistentry (outside_list_id, row_number, nik, full_name, desa, raw, match, note, person_id)
            SELECT %s, row_number() OVER (ORDER BY id), nik, full_name, '', '{}'::jsonb, 'nik', '', id
            FROM registry_person WHERE id %% 50 = 7
            """,
            [list_id],
        )
        cursor.execute(
            """
            INSERT INTO programmes_enrolment (programme_id, person_id, business_id, identity_id, region_code, status, origin,
                confirmed_at, cancel_reason, version)
            SELECT pr.id, b.owner_id, b.id, b.owner_id, b.region_id, 'confirmed', 'here', now(), '', 1
            FROM registry_business b, programmes_programme pr WHERE pr.code = 'bansos-lain' AND b.id %% 20 = 3
            """,
            [],
        )
        for table in ("registry_person", "registry_business", "registry_registration", "verification_verification"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def _programmes() -> None:
    from geliat.programmes.models import Programme

    Programme.objects.create(
        code="bansos-lain", name="Bantuan lain sekelas", source="central", kind="cash_aid", overlap_class="bantuan_produktif",
        starts_on=datetime.date(2020, 6, 1), ends_on=datetime.date(2020, 9, 30), status="closed",
    )
    Programme.objects.create(
        code="bpum-bench", name="BPUM (bench)", source="central", kind="cash_aid", overlap_class="bantuan_produktif",
        benefit_amount=2_400_000, starts_on=datetime.date(2020, 8, 1), ends_on=datetime.date(2020, 12, 31), status="open",
        rules={"conditions": [
            {"field": "affected_group", "op": "in", "value": GROUPS},
            {"field": "size", "op": "in", "value": ["mikro"]},
            {"field": "verified", "op": "is", "value": True},
            {"field": "revenue_drop_pct", "op": "gte", "value": 30},
            {"field": "excluded_by", "op": "none_of", "value": EXCLUDED},
        ]},
    )


def _peer_where(programme, other_ids: list[int]) -> tuple[str, dict]:
    """``FROM … WHERE …`` of the eligible businesses (b, their owner p), hand-written, and its parameters."""
    sql = """
        FROM registry_business b JOIN registry_person p ON p.id = b.owner_id
        WHERE b.affected_group = ANY(%(groups)s) AND b.size = 'mikro'
          AND EXISTS (SELECT 1 FROM registry_registration r JOIN verification_verification v ON v.registration_id = r.id
                      WHERE r.business_id = b.id AND v.status = 'verified')
          AND b.revenue_before > 0 AND b.revenue_now IS NOT NULL AND b.revenue_now * 100 <= b.revenue_before * 70
          AND NOT EXISTS (SELECT 1 FROM programmes_outsidelistentry e
                          JOIN programmes_outsidelist l ON l.id = e.outside_list_id
                          JOIN registry_person ep ON ep.id = e.person_id
                          WHERE l.kind = 'exclusion' AND l.active AND l.category = ANY(%(excluded)s)
                            AND coalesce(ep.merged_into_id, ep.id) = coalesce(p.merged_into_id, p.id))
          AND NOT EXISTS (SELECT 1 FROM programmes_enrolment en JOIN registry_person ep ON ep.id = en.person_id
                          WHERE en.status IN ('confirmed', 'delivered')
                            AND (en.programme_id = %(programme)s OR en.programme_id = ANY(%(others)s))
                            AND coalesce(ep.merged_into_id, ep.id) = coalesce(p.merged_into_id, p.id))
    """
    return sql, {"groups": GROUPS, "excluded": EXCLUDED, "programme": programme.pk, "others": other_ids}


def _best(function, reset=None) -> tuple[float, object]:
    times, result = [], None
    for _round in range(REPEAT):
        if reset:
            reset()
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), result


def _measure() -> dict:
    from django.db import connection, transaction

    from geliat.accounts.models import Role, User
    from geliat.programmes.eligibility import ineligible_page
    from geliat.programmes.models import (
        Enrolment,
        EnrolmentClaim,
        OutsideListEntry,
        Programme,
        Proposal,
        ProposalRow,
    )
    from geliat.programmes.rules import compile_conditions, evaluation_queryset
    from geliat.programmes.services import proposal_build, proposal_rows_confirm
    from geliat.registry.models import Person
    from geliat.verification.models import Verification

    coordinator, _created = User.objects.get_or_create(
        username="bench.koordinator", defaults={"role": Role.COORDINATOR, "region_id": "35.14"}
    )
    programme = Programme.objects.get(code="bpum-bench")
    others = list(Programme.objects.filter(overlap_class=programme.overlap_class).exclude(pk=programme.pk).values_list("pk", flat=True))
    peer_where, params = _peer_where(programme, others)

    def clear():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM programmes_enrolmentclaim")
            cursor.execute("UPDATE programmes_proposalrow SET enrolment_id = NULL")
            cursor.execute("DELETE FROM programmes_enrolment WHERE programme_id = %s", [programme.pk])
            cursor.execute("DELETE FROM programmes_proposalrow")
            cursor.execute("DELETE FROM programmes_proposal")

    # (a) the proposal
    clear()
    ours_build, proposal = _best(lambda: proposal_build(actor=coordinator, programme=programme), reset=clear)
    holder = Proposal.objects.create(programme=programme, rules=programme.rules)

    def peer_build():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO programmes_proposalrow (proposal_id, business_id, person_id, region_code, status, note) "
                "SELECT %(proposal)s, b.id, b.owner_id, b.region_id, 'pending', '' FROM registry_business b WHERE b.id IN "
                f"(SELECT min(b.id) {peer_where} GROUP BY coalesce(p.merged_into_id, p.id))",
                {**params, "proposal": holder.pk},
            )
            return cursor.rowcount

    def clear_holder():
        ProposalRow.objects.filter(proposal=holder).delete()

    peer_build_time, peer_rows = _best(peer_build, reset=clear_holder)
    assert peer_rows == proposal.eligible, (peer_rows, proposal.eligible)
    clear_holder()
    holder.delete()

    # (b) the eligible count alone
    conditions = compile_conditions(programme)
    ours_count, count = _best(lambda: evaluation_queryset().filter(*[c.q for c in conditions]).count())

    def peer_count():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) {peer_where}", params)
            return cursor.fetchone()[0]

    peer_count_time, peer_count_value = _best(peer_count)
    assert peer_count_value == count, (peer_count_value, count)

    # (c) a page of the businesses out, with reasons, from the middle of the registry
    page_time, page = _best(lambda: ineligible_page(proposal, user=coordinator, after=RECORDS // 2))
    assert len(page.verdicts) == 50 and all(v.failed for v in page.verdicts)

    # (d) overlap checks at enrolment, 1,000 rows
    rows = list(ProposalRow.objects.filter(proposal=proposal).order_by("pk").values_list("pk", flat=True)[:CONFIRM])

    def unconfirm():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM programmes_enrolmentclaim")
            cursor.execute("UPDATE programmes_proposalrow SET enrolment_id = NULL, status = 'pending' WHERE proposal_id = %s", [proposal.pk])
            cursor.execute("DELETE FROM programmes_enrolment WHERE programme_id = %s", [programme.pk])

    ours_confirm, result = _best(lambda: proposal_rows_confirm(actor=coordinator, proposal=proposal, row_ids=rows), reset=unconfirm)
    assert len(result.confirmed) == CONFIRM, result.refused
    assert EnrolmentClaim.objects.count() == CONFIRM * len(programme.months)
    unconfirm()

    def peer_confirm():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO programmes_enrolment (programme_id, person_id, business_id, identity_id, region_code, status,
                    origin, confirmed_at, cancel_reason, version)
                SELECT %(programme)s, r.person_id, r.business_id, coalesce(p.merged_into_id, p.id), r.region_code,
                    'confirmed', 'here', now(), '', 1
                FROM programmes_proposalrow r JOIN registry_person p ON p.id = r.person_id
                WHERE r.id = ANY(%(rows)s) AND NOT EXISTS (
                    SELECT 1 FROM programmes_enrolment en JOIN registry_person ep ON ep.id = en.person_id
                    WHERE en.status IN ('confirmed', 'delivered')
                      AND (en.programme_id = %(programme)s OR en.programme_id = ANY(%(others)s))
                      AND coalesce(ep.merged_into_id, ep.id) = coalesce(p.merged_into_id, p.id))
                """,
                {"programme": programme.pk, "others": others, "rows": rows},
            )
            return cursor.rowcount

    peer_confirm_time, peer_confirmed = _best(peer_confirm, reset=unconfirm)
    assert peer_confirmed == CONFIRM
    unconfirm()
    clear()

    return {
        "records": RECORDS,
        "verified": Verification.objects.filter(status="verified").count(),
        "merged": Person.objects.filter(merged_into__isnull=False).count(),
        "excluded_entries": OutsideListEntry.objects.count(),
        "class_enrolments": Enrolment.objects.exclude(programme=programme).count(),
        "eligible": proposal.eligible, "eligible_businesses": count,
        "failed": proposal.failed_counts,
        "build": {"ours": ours_build, "peer": peer_build_time},
        "count": {"ours": ours_count, "peer": peer_count_time},
        "page": page_time,
        "confirm": {"ours": ours_confirm, "peer": peer_confirm_time},
    }


def _worker() -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from geliat.registry.models import Business
    from geliat.wilayah.services import regions_load

    call_command("migrate", verbosity=0)
    regions_load(only="35.14")

    from geliat.programmes.models import Enrolment

    # The enrolments are the fill's last step: present, the fill completed.
    reused = Business.objects.count() == RECORDS and Enrolment.objects.filter(programme__code="bansos-lain").exists()
    fill_seconds = None if reused else _fill()
    return {"reused": reused, "fill_seconds": fill_seconds, **_measure()}


# ---------------------------------------------------------------- the parent


def measure() -> dict:
    return run_worker(__file__, PG_DATABASE, drop_env="BENCH_PROGRAMMES_DROP")


def markdown(results: dict) -> str:
    title = "## Programme rules and overlap checks at scale (issue #6)"
    if "error" in results:
        return f"{title}\n\nNot measured: {results['error']}"
    fill = "reused from the previous run" if results["reused"] else f"filled by SQL in {results['fill_seconds']:.0f} s"
    build, count, confirm = results["build"], results["count"], results["confirm"]
    failed = ", ".join(f"{key}: {n:,}" for key, n in results["failed"].items())
    return "\n".join([
        title,
        "",
        f"PostgreSQL, database `{PG_DATABASE}`: {results['records']:,} people with a business, registration and "
        f"verification each ({results['verified']:,} verified up to kabupaten), {results['merged']:,} records merged "
        f"into another by dedup, an ASN exclusion list of {results['excluded_entries']:,} matched people, and "
        f"{results['class_enrolments']:,} enrolments in another programme of the same overlap class and period ({fill}).",
        "",
        "The programme: affected groups 2, 3, 4, 6, 8, 9, 10; micro; verified; revenue drop ≥ 30%; not on an exclusion "
        "list; not already enrolled; not in the class in an overlapping period; one person per identity. "
        f"Eligible: {results['eligible']:,} people ({results['eligible_businesses']:,} businesses). "
        f"Businesses failing each condition: {failed}.",
        "",
        f"Best of {REPEAT}:",
        "",
        "| | ours (s) | peer: one hand-written SQL statement (s) | ratio ours / peer |",
        "|---|---:|---:|---:|",
        f"| (a) `proposal_build`: counts per condition + `INSERT … SELECT` of the eligible | {build['ours']:.2f} | {build['peer']:.2f} | {build['ours'] / build['peer']:.2f}× |",
        f"| (b) the eligible set counted: compiled `Q` objects vs hand-written | {count['ours']:.2f} | {count['peer']:.2f} | {count['ours'] / count['peer']:.2f}× |",
        f"| (d) overlap checks: `proposal_rows_confirm` of {CONFIRM:,} rows (enrolments + claim rows) vs one `INSERT … SELECT … NOT EXISTS` | {confirm['ours']:.2f} | {confirm['peer']:.2f} | {confirm['ours'] / confirm['peer']:.2f}× |",
        "",
        f"(c) One page of 50 ineligible businesses with their reasons, from the middle of the registry (on demand): "
        f"{results['page'] * 1000:.0f} ms.",
        "",
        "(a) does more than its peer: it also counts, per condition, the businesses failing it (one aggregate over "
        "the registry) for the proposal's summary. (d) writes the claim rows that let the database refuse a "
        "concurrent doubled benefit, one per identity, class and month of the period.",
    ])


def run() -> str:
    """The markdown section ``python -m bench`` writes into docs/benchmarks.md."""
    return markdown(measure())


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        print(json.dumps(_worker()))
    else:
        print(run())
