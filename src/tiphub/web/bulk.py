"""Fast bulk inserts and upserts for the few places that write many rows at once.

Django's `bulk_create` compiles every value of every row through the field machinery: at 100,000
records of 45 columns that is most of an import's time. Here the statement is built once and the
rows go to the driver's `executemany` (psycopg 3 pipelines it); values are adapted per column with
the backend's own adapters (dates, datetimes, JSON), so what is stored is what Django would store.
Works on SQLite and PostgreSQL (`INSERT ... ON CONFLICT (...) DO UPDATE`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connections, models

Adapter = Callable[[Any], Any]


def _adapter(field: models.Field[Any, Any], connection: Any) -> Adapter | None:
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda value: json.dumps(value, cls=field.encoder)
    return None


def _concrete(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete:
        raise ValueError(f"{model.__name__}.{name} is not a concrete column")
    return field


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
    using: str = "default",
    batch_size: int = 1000,
) -> int:
    """Insert `rows` (tuples in the order of `fields`); with `conflict`, update `update` instead
    of failing when a row with the same `conflict` values exists. Returns the rows sent."""
    connection = connections[using]
    meta = model._meta
    concrete = [_concrete(model, name) for name in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in concrete)
    jsonb = connection.vendor == "postgresql"
    placeholders = ", ".join(
        "%s::jsonb" if jsonb and isinstance(f, models.JSONField) else "%s" for f in concrete
    )
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    if conflict:
        target = ", ".join(quote(str(_concrete(model, n).column)) for n in conflict)
        updates = ", ".join(
            f"{quote(c)} = EXCLUDED.{quote(c)}"
            for c in (str(_concrete(model, n).column) for n in update)
        )
        sql += f" ON CONFLICT ({target}) DO UPDATE SET {updates}"
    adapters = [_adapter(f, connection) for f in concrete]
    adapted_positions = [(i, a) for i, a in enumerate(adapters) if a is not None]

    def adapt(row: Sequence[Any]) -> tuple[Any, ...]:
        if not adapted_positions:
            return tuple(row)
        values = list(row)
        for i, adapter in adapted_positions:
            if values[i] is not None:
                values[i] = adapter(values[i])
        return tuple(values)

    sent = 0
    batch: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(adapt(row))
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                sent += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            sent += len(batch)
    return sent
