"""The Spark engine runs the same model as DuckDB, in local mode (kept small: well under a
minute including Spark's start)."""

import pytest

from tiphub.linkage.encoder import Encoder
from tiphub.linkage.evaluate import pairs_from_groups, score
from tiphub.linkage.linker import LinkConfig, link
from tiphub.linkage.prepare import LSHConfig, from_tables
from tiphub.linkage.settings import DEFAULT_SETTINGS

from .conftest import TEST_KEY


@pytest.mark.slow
def test_spark_in_local_mode_links_as_duckdb_does(febrl):
    a, b, truth = febrl
    a = a.sort_values("record_id").head(60)
    wanted = {x.replace("-org", "-dup-0") for x in a["record_id"]}
    b = b[b["record_id"].isin(wanted)]
    encoder = Encoder(TEST_KEY, DEFAULT_SETTINGS)
    data = from_tables([encoder.encode(a, agency="A"), encoder.encode(b, agency="B")])
    config = LinkConfig(threshold=0.5, u_max_pairs=1e4, lsh=LSHConfig(bands=2), em_iterations=4)
    spark = link(data, LinkConfig(**{**config.__dict__, "engine": "spark", "threads": 1}))
    duck = link(data, config)
    true_pairs = {(("A", x), ("B", y)) for x, y in truth if x in set(a["record_id"])}
    spark_found = score(pairs_from_groups(spark.clusters, "person_id"), true_pairs)
    duck_found = score(pairs_from_groups(duck.clusters, "person_id"), true_pairs)
    assert spark_found.f1 >= 0.9, spark_found
    assert abs(spark_found.f1 - duck_found.f1) <= 0.01, (spark_found, duck_found)
    assert spark.n_candidate_pairs == duck.n_candidate_pairs
