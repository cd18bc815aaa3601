"""Monthly partitions for raw metrics and events, idempotency keys, hourly and daily rollups with
quantile sketches, and the ingest rejections table.

The raw tables keep fewer indexes than 0001 gave them: aggregate questions are answered from the
rollups, so the raw rows only need what listing and filtering use (name, service/type and time).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

from analytics.db.partitions import (
    PARTITION_MONTHS_AHEAD,
    create_default_partition,
    ensure_months,
    month_start,
    months_ahead,
)
from analytics.sketch import GAMMA, MIN_MAGNITUDE, OFFSET

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

METRIC_COLUMNS = (
    "id, service_name, metric_type, metric_name, metric_value, metric_unit, dimensions, "
    '"timestamp", date, meta, idempotency_key, created_at'
)
EVENT_COLUMNS = 'id, event_name, user_id, properties, "timestamp", idempotency_key, created_at'

SKETCH_FUNCTIONS = f"""
CREATE FUNCTION sketch_bucket(v double precision) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
    WHEN abs(v) < {MIN_MAGNITUDE} THEN 0
    WHEN v > 0 THEN {OFFSET} + ceil(ln(v) / ln({GAMMA!r}))::integer
    ELSE -({OFFSET} + ceil(ln(-v) / ln({GAMMA!r}))::integer)
  END
$$;

CREATE FUNCTION sketch_bucket_value(bucket integer) RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
    WHEN bucket = 0 THEN 0
    ELSE sign(bucket) * 2 * power({GAMMA!r}, abs(bucket) - {OFFSET}) / ({GAMMA!r} + 1)
  END
$$;

CREATE FUNCTION sketch_merge(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(jsonb_object_agg(key, total), '{{}}'::jsonb)
  FROM (
    SELECT key, sum(value::bigint) AS total
    FROM (SELECT * FROM jsonb_each_text(coalesce(a, '{{}}')) UNION ALL
          SELECT * FROM jsonb_each_text(coalesce(b, '{{}}'))) AS entries
    GROUP BY key
    HAVING sum(value::bigint) > 0
  ) AS merged
$$;

CREATE FUNCTION sketch_quantiles(sketch jsonb, qs double precision[]) RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  WITH cumulative AS (
    SELECT key::integer AS bucket,
           sum(value::bigint) OVER (ORDER BY key::integer) AS seen,
           sum(value::bigint) OVER () AS total
    FROM jsonb_each_text(sketch)
  )
  SELECT array_agg(
    (SELECT sketch_bucket_value(bucket) FROM cumulative WHERE seen > q * (total - 1) ORDER BY bucket LIMIT 1)
    ORDER BY n)
  FROM unnest(qs) WITH ORDINALITY AS wanted(q, n)
$$;

CREATE FUNCTION sketch_quantile(sketch jsonb, q double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT sketch_bucket_value(bucket)
  FROM (
    SELECT key::integer AS bucket,
           sum(value::bigint) OVER (ORDER BY key::integer) AS seen,
           sum(value::bigint) OVER () AS total
    FROM jsonb_each_text(sketch)
  ) AS cumulative
  WHERE seen > q * (total - 1)
  ORDER BY bucket
  LIMIT 1
$$;
"""

ROLLUP_KEY = """
  metric_name varchar(255) NOT NULL,
  service_name service_name_enum NOT NULL,
  metric_type metric_type_enum NOT NULL,
  unit varchar(50) NOT NULL DEFAULT ''"""
ROLLUP_FIGURES = """
  count bigint NOT NULL,
  sum double precision NOT NULL,
  min double precision NOT NULL,
  max double precision NOT NULL,
  sum_squares double precision NOT NULL,
  sketch jsonb NOT NULL"""
# p50, p90, p95 and p99 of the day from its sketch. Ingest resets them to NULL (recomputing them for
# every touched day cost more than the rest of the rollup); readers compute missing ones on the fly
# and the daily maintenance stores them for the days that are over.
QUANTILE_COLUMNS = """
  quantiles double precision[]"""


def _rebuild_from_raw(table: str, key_column: str, bucket_expression: str) -> str:
    """The rollup rows of `table` from the raw rows, in this revision's columns (sum_squares, which 0013
    turns into m2): written out here, as analytics.db.rollup_sql now writes the current schema's."""
    return f"""
INSERT INTO {table} (metric_name, service_name, metric_type, unit, {key_column},
                     count, sum, min, max, sum_squares, sketch)
SELECT metric_name, service_name, metric_type, unit, {key_column},
       sum(n), sum(total), min(low), max(high), sum(squares), jsonb_object_agg(bucket, n)
FROM (
  SELECT metric_name, service_name, metric_type, coalesce(metric_unit, '') AS unit,
         {bucket_expression} AS {key_column}, sketch_bucket(metric_value) AS bucket,
         count(*) AS n, sum(metric_value) AS total, min(metric_value) AS low, max(metric_value) AS high,
         sum(metric_value * metric_value) AS squares
  FROM metrics
  GROUP BY 1, 2, 3, 4, 5, 6
) AS per_bucket
GROUP BY 1, 2, 3, 4, 5
"""


REBUILD_HOURLY = _rebuild_from_raw(
    "metric_rollups_hourly",
    "bucket_start",
    "date_bin('1 hour', \"timestamp\", TIMESTAMPTZ '2000-01-01 00:00+00')",
)
REBUILD_DAILY = _rebuild_from_raw("metric_rollups_daily", "day", "(\"timestamp\" AT TIME ZONE 'UTC')::date")


def _partition(table: str, columns: str, table_body: str) -> None:
    """Re-creates `table` partitioned by month, keeping its rows."""
    op.execute(f'CREATE TABLE {table}_partitioned ({table_body}) PARTITION BY RANGE ("timestamp")')
    bind = op.get_bind()
    first, last = bind.exec_driver_sql(
        f'SELECT min("timestamp")::date, max("timestamp")::date FROM {table}'
    ).one()
    today = bind.exec_driver_sql("SELECT current_date").scalar_one()
    first = min(first or today, today)
    last = max(last or today, today)
    # Partitions for every month with data up to three months ahead; older months land in the
    # default partition until the daily maintenance creates theirs.
    op.execute(f"ALTER TABLE {table} RENAME TO {table}_unpartitioned")
    op.execute(f"ALTER TABLE {table}_partitioned RENAME TO {table}")
    create_default_partition(bind, table)
    ensure_months(bind, table, month_start(first), months_ahead(today, PARTITION_MONTHS_AHEAD))
    op.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table}_unpartitioned")


def upgrade() -> None:
    op.execute(SKETCH_FUNCTIONS)

    _partition(
        "metrics",
        METRIC_COLUMNS,
        """
        id uuid NOT NULL,
        service_name service_name_enum NOT NULL,
        metric_type metric_type_enum NOT NULL,
        metric_name varchar(255) NOT NULL,
        metric_value double precision NOT NULL,
        metric_unit varchar(50),
        dimensions jsonb NOT NULL DEFAULT '{}'::jsonb,
        "timestamp" timestamptz NOT NULL,
        date date NOT NULL,
        meta jsonb NOT NULL DEFAULT '{}'::jsonb,
        idempotency_key varchar(255),
        created_at timestamptz NOT NULL DEFAULT now()
        """,
    )
    op.execute("""
        CREATE TABLE metric_keys (
          idempotency_key varchar(255) NOT NULL,
          metric_id uuid NOT NULL,
          metric_timestamp timestamptz NOT NULL,
          CONSTRAINT pk_metric_keys PRIMARY KEY (idempotency_key)
        )""")
    op.execute("""
        INSERT INTO metric_keys (idempotency_key, metric_id, metric_timestamp)
        SELECT idempotency_key, id, "timestamp" FROM metrics_unpartitioned
        WHERE idempotency_key IS NOT NULL""")
    op.execute("DROP TABLE metrics_unpartitioned")
    op.execute('ALTER TABLE metrics ADD CONSTRAINT pk_metrics PRIMARY KEY (id, "timestamp")')
    op.execute('CREATE INDEX ix_metrics_name_timestamp ON metrics (metric_name, "timestamp")')
    op.execute(
        'CREATE INDEX ix_metrics_service_type_timestamp ON metrics (service_name, metric_type, "timestamp")'
    )
    op.execute('CREATE INDEX ix_metrics_timestamp ON metrics ("timestamp")')

    _partition(
        "events",
        EVENT_COLUMNS,
        """
        id uuid NOT NULL,
        event_name varchar(255) NOT NULL,
        user_id varchar(255),
        properties jsonb NOT NULL DEFAULT '{}'::jsonb,
        "timestamp" timestamptz NOT NULL,
        idempotency_key varchar(255),
        created_at timestamptz NOT NULL DEFAULT now()
        """,
    )
    op.execute("""
        CREATE TABLE event_keys (
          idempotency_key varchar(255) NOT NULL,
          event_id uuid NOT NULL,
          event_timestamp timestamptz NOT NULL,
          CONSTRAINT pk_event_keys PRIMARY KEY (idempotency_key)
        )""")
    op.execute("""
        INSERT INTO event_keys (idempotency_key, event_id, event_timestamp)
        SELECT idempotency_key, id, "timestamp" FROM events_unpartitioned
        WHERE idempotency_key IS NOT NULL""")
    op.execute("DROP TABLE events_unpartitioned")
    op.execute('ALTER TABLE events ADD CONSTRAINT pk_events PRIMARY KEY (id, "timestamp")')
    op.execute('CREATE INDEX ix_events_name_timestamp ON events (event_name, "timestamp")')
    op.execute('CREATE INDEX ix_events_user_timestamp ON events (user_id, "timestamp")')
    op.execute('CREATE INDEX ix_events_timestamp ON events ("timestamp")')

    op.execute(f"""
        CREATE TABLE metric_rollups_hourly ({ROLLUP_KEY},
          bucket_start timestamptz NOT NULL,{ROLLUP_FIGURES},
          CONSTRAINT pk_metric_rollups_hourly
            PRIMARY KEY (metric_name, service_name, metric_type, unit, bucket_start)
        )""")
    op.execute("CREATE INDEX ix_metric_rollups_hourly_bucket_start ON metric_rollups_hourly (bucket_start)")
    op.execute(f"""
        CREATE TABLE metric_rollups_daily ({ROLLUP_KEY},
          day date NOT NULL,{ROLLUP_FIGURES},{QUANTILE_COLUMNS},
          CONSTRAINT pk_metric_rollups_daily PRIMARY KEY (metric_name, service_name, metric_type, unit, day)
        )""")
    op.execute("CREATE INDEX ix_metric_rollups_daily_day ON metric_rollups_daily (day)")
    op.execute(REBUILD_HOURLY)
    op.execute(REBUILD_DAILY)

    op.execute("""
        CREATE TABLE ingest_rejections (
          id uuid NOT NULL DEFAULT gen_random_uuid(),
          message_id varchar(255) NOT NULL,
          position integer NOT NULL,
          kind varchar(20) NOT NULL,
          raw text NOT NULL,
          reason jsonb NOT NULL,
          received_at timestamptz NOT NULL DEFAULT now(),
          CONSTRAINT pk_ingest_rejections PRIMARY KEY (id),
          CONSTRAINT uq_ingest_rejections_message_id_position UNIQUE (message_id, position)
        )""")
    op.execute("CREATE INDEX ix_ingest_rejections_received_at ON ingest_rejections (received_at)")


def downgrade() -> None:
    raise RuntimeError("0002 re-partitions the raw tables and cannot be undone in place; restore a backup")
