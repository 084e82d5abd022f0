"""Thin engine backends: where Splink runs its SQL.

An engine turns the prepared input (a pyarrow table) into something Splink reads and hands Splink
its database API; everything else (model, training, prediction, clustering) is engine-agnostic and
lives in `linker.py`. DuckDB is the default: in-process, no set-up, fast on one machine. Spark is
for a country whose pooled records outgrow one machine; here it runs in local mode.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd
import pyarrow as pa

if TYPE_CHECKING:
    from splink.internals.database_api import DatabaseAPI
    from splink.internals.splink_dataframe import SplinkDataFrame

ENGINES = ("duckdb", "spark")
INPUT_TABLE = "tiphub_linkage_input"


class Engine(Protocol):
    name: str

    def load(self, table: pa.Table) -> tuple[DatabaseAPI, Any]:
        """Register `table` and return (Splink database API, the input Splink reads)."""

    def to_pandas(self, frame: SplinkDataFrame, columns: list[str]) -> pd.DataFrame:
        """Selected columns of a Splink result as pandas."""

    def close(self) -> None: ...


@dataclass
class DuckDBEngine:
    """Splink on an in-memory DuckDB with bounded threads and memory (spills to `temp_dir`)."""

    threads: int = 2
    memory_limit: str | None = None
    temp_dir: str | None = None
    name: str = "duckdb"
    _connection: Any = field(default=None, repr=False)

    def load(self, table: pa.Table) -> tuple[DatabaseAPI, Any]:
        import duckdb
        from splink import DuckDBAPI

        con = duckdb.connect(":memory:")
        con.execute(f"SET threads = {int(self.threads)}")
        con.execute("SET preserve_insertion_order = false")
        if self.memory_limit:
            con.execute("SET memory_limit = ?", [self.memory_limit])
        if self.temp_dir:
            con.execute("SET temp_directory = ?", [self.temp_dir])
        con.register("tiphub_arrow_input", table)
        con.execute(f"CREATE TABLE {INPUT_TABLE} AS SELECT * FROM tiphub_arrow_input")  # noqa: S608
        con.unregister("tiphub_arrow_input")
        self._connection = con
        return DuckDBAPI(connection=con), INPUT_TABLE

    def to_pandas(self, frame: SplinkDataFrame, columns: list[str]) -> pd.DataFrame:
        names = ", ".join(columns)
        result: pd.DataFrame = self._connection.sql(
            f"SELECT {names} FROM {frame.physical_name}"  # noqa: S608 (our own table names)
        ).df()
        return result

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


@dataclass
class SparkEngine:
    """Splink on Spark. Without a session given, starts one in local mode (`local[threads]`)."""

    threads: int = 2
    session: Any = None
    name: str = "spark"
    _owns_session: bool = field(default=False, repr=False)

    def _spark(self) -> Any:
        if self.session is None:
            import sys

            from pyspark.sql import SparkSession

            # Spark's Python workers must run the driver's interpreter (and its packages).
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)

            workdir = tempfile.mkdtemp(prefix="tiphub-spark-")
            self.session = (
                SparkSession.builder.master(f"local[{int(self.threads)}]")
                .appName("tiphub-linkage")
                .config("spark.sql.shuffle.partitions", str(max(2, 2 * self.threads)))
                .config("spark.default.parallelism", str(max(2, 2 * self.threads)))
                .config("spark.sql.warehouse.dir", os.path.join(workdir, "warehouse"))
                .config("spark.local.dir", workdir)
                .config("spark.ui.enabled", "false")
                .config("spark.driver.memory", "2g")
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                .getOrCreate()
            )
            self.session.sparkContext.setLogLevel("ERROR")
            self.session.sparkContext.setCheckpointDir(os.path.join(workdir, "checkpoints"))
            self._owns_session = True
        return self.session

    def load(self, table: pa.Table) -> tuple[DatabaseAPI, Any]:
        from splink import SparkAPI

        spark = self._spark()
        frame = spark.createDataFrame(table.to_pandas())
        return SparkAPI(spark_session=spark, break_lineage_method="persist"), frame

    def to_pandas(self, frame: SplinkDataFrame, columns: list[str]) -> pd.DataFrame:
        result: pd.DataFrame = frame.as_spark_dataframe().select(*columns).toPandas()
        return result

    def close(self) -> None:
        if self._owns_session and self.session is not None:
            self.session.stop()
            self.session = None


def make_engine(name: str, *, threads: int = 2, memory_limit: str | None = None) -> Engine:
    """The engine called `name` ("duckdb" or "spark")."""
    if name == "duckdb":
        return DuckDBEngine(threads=threads, memory_limit=memory_limit)
    if name == "spark":
        return SparkEngine(threads=threads)
    raise ValueError(f"unknown engine {name!r} (choose one of {', '.join(ENGINES)})")
