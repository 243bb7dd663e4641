"""Inserting many new rows at once, without a model instance per row.

`bulk_create` builds a model instance for every row and prepares every field of every
row through the ORM's compiler: for the 90,000 statuses and values of a 1,000-region
programme that was two thirds of the import's time (docs/performance.md, "Import").
The importer has already validated plain values, so its new rows go in with COPY on
PostgreSQL and as multi-row INSERT statements on SQLite. The fields the caller does not give are filled once from the model
itself (defaults, `auto_now`/`auto_now_add`), so a row is the same as `bulk_create`
would have written. Nothing comes back: callers that need the new ids use `bulk_create`.
"""

from django.db import connection, models
from django.utils import timezone

ROWS_PER_STATEMENT = 1000


def _adapter(field):
    # Only dates need the backend's conversion (SQLite stores them as ISO text); text,
    # numbers and ids are passed to the driver as they are.
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


def insert_rows(model, columns, rows):
    """INSERT `rows` (tuples of values for the attnames in `columns`) into `model`'s
    table; returns how many. Every other concrete field but the primary key gets its
    default, or the current time for `auto_now` and `auto_now_add`."""
    given = [model._meta.get_field(name) for name in columns]
    given_names = {f.attname for f in given}
    now = timezone.now()
    filled, constants = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in given_names:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_default()
        adapt = _adapter(field)
        filled.append(field)
        constants.append(adapt(value) if adapt and value is not None else value)
    adapters = [_adapter(f) for f in given]
    convert = [(i, a) for i, a in enumerate(adapters) if a]
    fields = given + filled
    quote = connection.ops.quote_name
    table = f"{quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    constants = tuple(constants)
    if connection.vendor == "postgresql":
        # COPY is PostgreSQL's own bulk load: rows stream to the server without an
        # INSERT statement to parse or parameters to bind (psycopg's `Cursor.copy`).
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *constants))
        return len(rows)
    head = f"INSERT INTO {table} VALUES "
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    limit = connection.features.max_query_params or 999
    per_statement = max(1, min(ROWS_PER_STATEMENT, limit // len(fields)))
    count = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            params = []
            for row in batch:
                if convert:
                    row = list(row)
                    for i, adapt in convert:
                        if row[i] is not None:
                            row[i] = adapt(row[i])
                params.extend(row)
                params.extend(constants)
            cursor.execute(head + ", ".join([one] * len(batch)), params)
            count += len(batch)
    return count
