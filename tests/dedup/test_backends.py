"""DuckDB and Spark run the same model and give the same clusters."""

from geliat.dedup.engine import FIELDS, link_records
from geliat.dedup.synthetic import generate


def test_spark_and_duckdb_give_the_same_clusters(spark):
    """On one small list, Spark (local mode) and DuckDB score the same pairs with the same
    probabilities and put every record in the same cluster."""
    frame = generate(400, seed=8)[list(FIELDS)]
    duckdb = link_records(frame, backend="duckdb", threshold=0.5)
    on_spark = link_records(frame, backend="spark", threshold=0.5)

    assert duckdb.clusters == on_spark.clusters
    assert len(set(duckdb.clusters.values())) < len(frame)  # the list does hold duplicates
    ours = {(p.left_id, p.right_id): p for p in duckdb.pairs}
    theirs = {(p.left_id, p.right_id): p for p in on_spark.pairs}
    assert ours.keys() == theirs.keys()
    for key, pair in ours.items():
        assert abs(pair.probability - theirs[key].probability) < 1e-9
        assert pair.levels == theirs[key].levels
