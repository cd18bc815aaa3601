"""SQL for StatisticsQuery: one statement, grouped and summarised by PostgreSQL, answered as JSON (a
breakdown read from the dimension rollups first asks which of its days changed since they were built).

statistics_table reads each answer row as a list: the group values (`g0`, `g1`, ... in the query's
group_by order), the figures asked for (in analytics.statistics.FIGURES order) and the units. A day group
comes from PostgreSQL as its position among the period's local days and is written as its start once per
day in Python; another time group is its period's first instant written in the query's zone, as
`datetime.isoformat()` writes it. PostgreSQL sends the rows as one JSON array of arrays, read by
pydantic-core's parser: JSON objects (keys repeated in every row, a record turned into JSON per row) and
Python's json module cost more than the rest of a three-year daily answer.

statistics_groups_json has PostgreSQL write the groups as the API answers them instead, for the statistics
endpoint, whose largest answers are tens of thousands of groups.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from typing import Any

from pydantic_core import from_json
from sqlalchemy import text
from sqlalchemy.orm import Session

from analytics.db.rollup_sql import (
    ADDED_UP,
    LOCAL_DAY_ROLLUP,
    M2_OF_RAW,
    QUANTILE_LEVELS,
    SERIES,
    local_day_versions,
    raw_of_local_day,
    stale_local_day_figures,
)
from analytics.db.tiles import Tiles, within
from analytics.statistics import (
    BREAKDOWN_DIMENSIONS,
    DIMENSION_PREFIX,
    FIGURES,
    SERIES_FIELDS,
    TIME_GROUPS,
    UNIT_COLUMNS,
    UNIT_GROUP,
    Interval,
    Source,
    StatisticsQuery,
    zone_of,
)
from analytics.time_buckets import bucket_starts, first_hour_start

LEVELS = f"'{{{','.join(str(q) for q in QUANTILE_LEVELS)}}}'::double precision[]"
QUANTILE_COLUMNS = "q[1] AS p50, q[2] AS p90, q[3] AS p95, q[4] AS p99"
FIGURE_COLUMNS = "count, sum, min, max, m2, unit, unit AS other_unit"
# The units a group's rows hold, as their least and greatest: two different ones, and its sums add them.
UNITS_ADDED_UP = "min(unit) AS unit, max(other_unit) AS other_unit"
UNIT_OF_RAW = "coalesce(metric_unit, '')"
UNITS_OF_RAW = f"min({UNIT_OF_RAW}) AS unit, max({UNIT_OF_RAW}) AS other_unit"
NO_STORED_QUANTILES = "NULL::double precision[] AS stored_q"
# The answer's figures from a group's rollup rows added up (rollup_sql.ADDED_UP).
FIGURES_OF_SUMS = "count, sum, sum / count AS avg, min, max, sqrt(greatest(m2 / count, 0)) AS stddev"
NO_QUANTILES = "NULL AS p50, NULL AS p90, NULL AS p95, NULL AS p99"
# A sketch's percentile is within 1% of the true one, which may put it just outside the values it is of
# (p50 of a metric that is always 1.0 read as 0.99): it is held to the group's [min, max].
STORED_OR_MERGED = ", ".join(
    f"least(greatest(coalesce(CASE WHEN source_rows = 1 THEN stored_q[{i}] END, q[{i}]), min), max)"
    f" AS p{level}"
    for i, level in enumerate((50, 90, 95, 99), start=1)
)


def statistics_table(
    session: Session, query: StatisticsQuery, percentiles: bool = True, figures: Collection[str] = FIGURES
) -> list[list[Any]]:
    """The answer's rows as lists of analytics.statistics.row_columns: only the figures in `figures`
    (writing thousands of numbers as JSON is much of a long answer's cost)."""
    rows, groups, params = _rows_of(session, query, percentiles)
    answer = session.execute(text(_answer(query, rows, groups, params, figures)), params).scalar_one()
    table: list[list[Any]] = from_json(answer)
    _write_days(query, table)
    return table


def statistics_groups_json(session: Session, query: StatisticsQuery) -> tuple[str, list[str] | None]:
    """The answer's groups with every figure, as one JSON array of GroupStatistics objects written by
    PostgreSQL, and the two units of a group whose metrics are in different units (None when none is)."""
    rows, groups, params = _rows_of(session, query, percentiles=True)
    written, mixed = session.execute(text(_groups_json(query, rows, groups, params)), params).one()
    return written, mixed


def _rows_of(session: Session, query: StatisticsQuery, percentiles: bool) -> Rows:
    if query.source is Source.ROLLUPS and query.interval is None:
        return _from_tiles(query, percentiles)
    if query.on_local_days:
        return _from_local_days(query, percentiles)
    if query.source is Source.ROLLUPS:
        return _from_rollups(query, percentiles)
    if (key := _breakdown_key(query, percentiles)) and (whole_days := _whole_utc_days(query)):
        return _from_dimension_rollups(session, query, key, *whole_days)
    return _from_raw(query, percentiles)


def _write_days(query: StatisticsQuery, table: list[list[Any]]) -> None:
    """Turns a day group's position among the period's local days into its start, written once per day:
    the same text written by PostgreSQL for thousands of rows cost more than the rest of a three-year
    daily answer in SQL."""
    day_at = next((i for i, name in enumerate(query.group_by) if TIME_GROUPS.get(name) is Interval.DAY), None)
    if day_at is None:
        return
    texts = _day_texts(query)
    for row in table:
        row[day_at] = texts[row[day_at]]


def _day_texts(query: StatisticsQuery) -> list[str]:
    """The start of each of the period's local days, as `datetime.isoformat()` writes it in its zone."""
    zone = zone_of(query.tz)
    return [
        start.astimezone(zone).isoformat()
        for start in bucket_starts(query.start, query.end, Interval.DAY, zone)
    ]


# The SQL of an answer's rows, the names of its group columns, and its parameters.
Rows = tuple[str, str, dict[str, Any]]


def _on_utc_days(query: StatisticsQuery) -> bool:
    return (
        query.tz == "UTC"
        and query.interval is not Interval.HOUR
        and all(moment.time() == dt.time(0) for moment in (query.start, query.end))
    )


def _period_start(interval: Interval, period_of: str, instant_of: str) -> str:
    """The start of the period of `interval` holding a row. Hours are real hours, stepping from
    :hour_origin as analytics.time_buckets does, so the hour repeated when clocks go back is two hours:
    the instant `instant_of` binned. Days, weeks and months start at the local midnight of `period_of`,
    the row's local time, or `day`, the UTC day of daily rows, which starts its own day (grouping by the
    column itself is cheaper)."""
    if interval is Interval.HOUR:
        return f"date_bin('1 hour', {instant_of}, CAST(:hour_origin AS timestamptz))"
    if period_of == "day":
        return "day" if interval is Interval.DAY else f"date_trunc('{interval}', day::timestamp)"
    return f"date_trunc('{interval}', {period_of})"


def _group_columns(
    query: StatisticsQuery,
    period_of: str,
    params: dict[str, Any],
    instant_of: str = "",
    unit_of: str = "unit",
) -> list[str]:
    columns = []
    for i, name in enumerate(query.group_by):
        if name in SERIES_FIELDS:
            columns.append(f"{name} AS g{i}")
        elif name == UNIT_GROUP:
            columns.append(f"{unit_of} AS g{i}")
        elif name in TIME_GROUPS:
            if TIME_GROUPS[name] is Interval.HOUR:
                params["hour_origin"] = first_hour_start(query.start, zone_of(query.tz))
            columns.append(f"{_period_start(TIME_GROUPS[name], period_of, instant_of)} AS g{i}")
        else:
            params[f"group_key{i}"] = name.removeprefix(DIMENSION_PREFIX)
            columns.append(f"dimensions->>:group_key{i} AS g{i}")
    return columns or ["0 AS g_all"]


def _filters(query: StatisticsQuery, params: dict[str, Any]) -> list[str]:
    clauses = []
    for column in SERIES_FIELDS:
        value = getattr(query, column)
        if value is not None:
            clauses.append(f"{column} = :{column}")
            params[column] = str(value)
    return clauses


def _group_names(query: StatisticsQuery) -> list[str]:
    return [f"g{i}" for i in range(len(query.group_by))]


def _instant_text(instant: str, tz: str) -> str:
    """SQL writing the instant `instant` (a timestamptz) as `datetime.isoformat()` writes it in the zone
    :tz: 2025-03-30T00:00:00+01:00 (the offset's seconds only when it has some)."""
    if tz == "UTC":
        return f"""to_char({instant} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')"""
    offset = f"({instant} AT TIME ZONE :tz - {instant} AT TIME ZONE 'UTC')"
    offset_format = f"CASE WHEN extract(second FROM {offset}) = 0 THEN 'HH24:MI' ELSE 'HH24:MI:SS' END"
    return f"""to_char({instant} AT TIME ZONE :tz, 'YYYY-MM-DD"T"HH24:MI:SS')
    || CASE WHEN {offset} < interval '0' THEN '-' ELSE '+' END
    || to_char(greatest({offset}, -{offset}), {offset_format})"""


def _local_text(local_start: str, tz: str) -> str:
    """SQL writing the instant of `local_start` (a local date or timestamp in the zone :tz) as
    _instant_text does, and as Python's `fold=0` has it: a local time skipped by a DST change is the
    instant it stands for, and one that happens twice (midnight in Havana when clocks go back at 1:00) its
    first instant, where PostgreSQL would take the second."""
    if tz == "UTC":
        return f"""to_char({local_start}::timestamp, 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')"""
    local = f"{local_start}::timestamp"
    second = f"({local} AT TIME ZONE :tz)"
    first = f"({second} - interval '1 hour')"
    return _instant_text(f"(CASE WHEN {first} AT TIME ZONE :tz = {local} THEN {first} ELSE {second} END)", tz)


def _time_text(name: str, field: str, tz: str) -> str:
    return _instant_text(name, tz) if TIME_GROUPS[field] is Interval.HOUR else _local_text(name, tz)


def _answer(
    query: StatisticsQuery, rows_sql: str, group_names: str, params: dict[str, Any], figures: Collection[str]
) -> str:
    """The rows as one JSON array of [g0, g1, ..., *figures, *UNIT_COLUMNS] arrays, in group order (a day
    group as its position among the period's local days, for _write_days)."""
    groups = [
        _group_value(query, name, field, params)
        for name, field in zip(_group_names(query), query.group_by, strict=True)
    ]
    values = ", ".join([*groups, *(figure for figure in FIGURES if figure in figures), *UNIT_COLUMNS])
    return f"""
SELECT coalesce(json_agg(json_build_array({values}) ORDER BY {group_names}), '[]')::text
FROM ({rows_sql}) AS answer"""


def _groups_json(query: StatisticsQuery, rows_sql: str, group_names: str, params: dict[str, Any]) -> str:
    """The rows as one JSON array of GroupStatistics objects in group order, written compactly as
    pydantic writes them (PostgreSQL's json_build_object spaces every key and took longer), a day group's
    start joined from the period's days, written once each; and the units of the first row in two units.
    Figures are finite (metric values are bounded), so their text is JSON."""
    group_values = []
    days = ""
    for i, (name, field) in enumerate(zip(_group_names(query), query.group_by, strict=True)):
        params[f"group_json_key{i}"] = f"{json.dumps(field)}:"
        if TIME_GROUPS.get(field) is Interval.DAY:
            params |= {"day_texts": ",".join(_day_texts(query)), "first_local_day": _first_local_day(query)}
            days = f"""
LEFT JOIN unnest(string_to_array(CAST(:day_texts AS text), ',')) WITH ORDINALITY AS days(start, position)
  ON days.position = {name}::date - CAST(:first_local_day AS date) + 1"""
            value = """coalesce('"' || days.start || '"', 'null')"""
        elif field in TIME_GROUPS:
            value = f"""'"' || {_time_text(name, field, query.tz)} || '"'"""
        else:
            value = f"coalesce(to_json({name})::text, 'null')"
        group_values.append(f"CAST(:group_json_key{i} AS text) || {value}")
    figures = " || ',' || ".join(
        f"""'"{figure}":' || coalesce({figure}::text, 'null')""" for figure in FIGURES
    )
    group = " || ',' || ".join(group_values) or "''"
    unit = "coalesce(to_json(nullif(unit, ''))::text, 'null')"
    written = f"""'{{' || {figures} || ',"group":{{' || {group} || '}},"unit":' || {unit} || '}}'"""
    return f"""
WITH answer AS MATERIALIZED ({rows_sql})
SELECT '[' || coalesce(string_agg({written}, ',' ORDER BY {group_names}), '') || ']',
       (SELECT ARRAY[coalesce(unit, ''), coalesce(other_unit, '')] FROM answer
        WHERE unit IS DISTINCT FROM other_unit LIMIT 1)
FROM answer{days}"""


def _first_local_day(query: StatisticsQuery) -> dt.date:
    return query.start.astimezone(zone_of(query.tz)).date()


def _group_value(query: StatisticsQuery, name: str, field: str, params: dict[str, Any]) -> str:
    """SQL of a group's value in an answer row: a day's position among the period's local days, another
    time group's start as text, any other group's value as it is."""
    if TIME_GROUPS.get(field) is Interval.DAY:
        params["first_local_day"] = _first_local_day(query)
        return f"{name}::date - CAST(:first_local_day AS date)"
    return _time_text(name, field, query.tz) if field in TIME_GROUPS else name


def _names(columns: list[str]) -> str:
    return ", ".join(column.rsplit(" AS ", 1)[1] for column in columns)


# Of sketch rows joined to their group's figures: only those of groups whose percentiles are merged (a group
# of one daily row whose quantiles are stored merges nothing). EXISTS is evaluated once, before the join:
# with no group to merge, no sketch is read at all. (The planner cannot tell, and would read and sort
# every daily sketch of the period.)
ONLY_GROUPS_TO_MERGE = """
  WHERE (figures.source_rows > 1 OR figures.stored_q IS NULL)
    AND EXISTS (SELECT FROM figures WHERE source_rows > 1 OR stored_q IS NULL)"""


def _from_rollups(query: StatisticsQuery, percentiles: bool) -> Rows:
    params: dict[str, Any] = {"tz": query.tz, "start": query.start, "end": query.end}
    if _on_utc_days(query):
        table, period_of = "metric_rollups_daily", "day"
        where = ["day >= CAST(:start AS date)", "day < CAST(:end AS date)"]
        params |= {"start": query.start.date(), "end": query.end.date()}
    else:
        table, period_of = "metric_rollups_hourly", "(bucket_start AT TIME ZONE :tz)"
        where = ["bucket_start >= :start", "bucket_start < :end"]
    columns = _group_columns(query, period_of, params, instant_of="bucket_start")
    groups = _names(columns)
    condition = " AND ".join(where + _filters(query, params))
    if table == "metric_rollups_daily" and query.interval is Interval.MONTH:
        # The period's daily rows are read once; their sketches come from whole months where possible.
        days = f"""days AS MATERIALIZED (
  SELECT {SERIES}, day, date_trunc('month', day)::date AS month, count, sum, min, max, m2, version
  FROM metric_rollups_daily WHERE {condition}
), """
        figures_source = f"SELECT {', '.join(columns)}, {FIGURE_COLUMNS}, {NO_STORED_QUANTILES} FROM days"
        params |= {"first_day": params["start"], "last_day": params["end"]}
        filters = "".join(f" AND {clause}" for clause in _filters(query, params))
        sketch_rows = _sketches_with_whole_months(query, columns, params, filters)
    else:
        days = ""
        stored = "quantiles AS stored_q" if table == "metric_rollups_daily" else NO_STORED_QUANTILES
        figures_source = (
            f"SELECT {', '.join(columns)}, {FIGURE_COLUMNS}, {stored} FROM {table} WHERE {condition}"
        )
        sketch_rows = f"SELECT {', '.join(columns)}, sketch, 1 AS sign FROM {table} WHERE {condition}"
        if table == "metric_rollups_daily":
            sketch_rows = f"""
  SELECT source.* FROM ({sketch_rows}) AS source JOIN figures USING ({groups}){ONLY_GROUPS_TO_MERGE}"""
    rows = _figures_and_sketches(groups, days, figures_source, sketch_rows, percentiles)
    return rows, groups, params


def _figures_and_sketches(
    groups: str, sources: str, figures_source: str, sketch_rows: str, percentiles: bool
) -> str:
    """The groups' figures added up from `figures_source` (rows of the group columns, FIGURE_COLUMNS and
    `stored_q`), their percentiles the stored ones of a group of one row or read from the merged sketches
    of `sketch_rows` (rows of the group columns, `sketch` and its `sign`: 1 to add it, -1 to take it away
    from a larger one). `sources` are CTEs both read, each followed by a comma."""
    sketches = f"""
, sketch_rows AS ({sketch_rows}
), buckets AS (
  SELECT {groups}, b.key, sum(b.value::bigint * sign) AS n
  FROM sketch_rows, jsonb_each_text(sketch) AS b GROUP BY {groups}, b.key
  HAVING sum(b.value::bigint * sign) <> 0
), sketches AS (
  SELECT {groups}, sketch_quantiles(jsonb_object_agg(key, n), {LEVELS}) AS q FROM buckets GROUP BY {groups}
)"""
    return f"""
WITH {sources}figures AS (
  SELECT {groups}, {ADDED_UP}, {UNITS_ADDED_UP}, count(*) AS source_rows, min(stored_q) AS stored_q
  FROM ({figures_source}) AS source
  GROUP BY {groups}
){sketches if percentiles else ""}
SELECT {groups}, {FIGURES_OF_SUMS}, {STORED_OR_MERGED if percentiles else NO_QUANTILES}, unit, other_unit
FROM figures {"LEFT JOIN sketches USING (" + groups + ")" if percentiles else ""}"""


def _from_local_days(query: StatisticsQuery, percentiles: bool) -> Rows:
    """Whole local days of a zone in ROLLUP_ZONES: a local day from its rollup rows where they were built
    from the UTC daily rows the day overlaps as they are now, every other day (today, days changed since,
    days not rolled up yet) from its raw rows."""
    zone = zone_of(query.tz)
    first, last = (moment.astimezone(zone).date() for moment in (query.start, query.end))
    one_day = dt.timedelta(days=1)
    params: dict[str, Any] = {
        "tz": query.tz,
        "first": first,
        "last": last,
        "utc_first": first - one_day,
        "utc_last": last + one_day,
        "start": query.start,
        "end": query.end,
    }
    filters = "".join(f" AND {clause}" for clause in _filters(query, params))
    columns = _group_columns(query, "day", params)
    groups = _names(columns)
    period = "day >= :utc_first AND day < :utc_last AND local_day >= :first AND local_day < :last"
    raw = raw_of_local_day("s.day", f'"timestamp" >= :start AND "timestamp" < :end{filters}')
    quantiles = "quantiles" if percentiles else "NULL::double precision[] AS quantiles"
    # A local day's rows are used when, all its series together, they were built from the versions of the
    # UTC daily rows it overlaps now. (A row written since has a version larger than those they were
    # built from and a deleted one lowers the count, so the sum and number change with any row.) Matching
    # each series-day instead took most of a three-year daily answer of every metric.
    sources = f"""versions AS MATERIALIZED ({local_day_versions(period + filters, per_series=False)}
), local_rows AS MATERIALIZED (
  SELECT {SERIES}, day, count, sum, min, max, m2, {quantiles}, built_from, built_from_days
  FROM {LOCAL_DAY_ROLLUP} WHERE zone = :tz AND day >= :first AND day < :last{filters}
), fresh AS MATERIALIZED (
  SELECT day FROM versions
  JOIN (
    SELECT day, sum(built_from)::bigint AS built_from, sum(built_from_days)::integer AS built_from_days
    FROM local_rows GROUP BY day
  ) AS built USING (day, built_from, built_from_days)
), stale AS MATERIALIZED (
  SELECT day FROM versions WHERE day NOT IN (SELECT day FROM fresh)
), raw_days AS MATERIALIZED ({stale_local_day_figures(raw)}
), days AS MATERIALIZED (
  SELECT {SERIES}, day, count, sum, min, max, m2, quantiles AS stored_q
  FROM local_rows WHERE count > 0 AND day IN (SELECT day FROM fresh)
  UNION ALL
  SELECT {SERIES}, day, count, sum, min, max, m2, NULL FROM raw_days
), """
    figures_source = f"SELECT {', '.join(columns)}, {FIGURE_COLUMNS}, stored_q FROM days"
    kept_sketches = f"""
    SELECT days.metric_name, days.service_name, days.metric_type, days.unit, days.day, r.sketch
    FROM days JOIN {LOCAL_DAY_ROLLUP} r
      ON r.zone = :tz AND r.day = days.day AND (r.metric_name, r.service_name, r.metric_type, r.unit)
        = (days.metric_name, days.service_name, days.metric_type, days.unit)
    WHERE days.stored_q IS NOT NULL
    UNION ALL
    SELECT {SERIES}, day, sketch FROM raw_days"""
    sketch_rows = f"""
  SELECT source.*
  FROM (SELECT {", ".join(columns)}, sketch, 1 AS sign FROM ({kept_sketches}) AS all_days) AS source
  JOIN figures USING ({groups}){ONLY_GROUPS_TO_MERGE}"""
    rows = _figures_and_sketches(groups, sources, figures_source, sketch_rows, percentiles)
    return rows, groups, params


def _from_tiles(query: StatisticsQuery, percentiles: bool) -> Rows:
    """A question without time groups over any period, in any zone, as the fewest rollup rows that tile it:
    its whole UTC days from the daily rollups (their sketches from whole months where possible), the whole
    hours before the first and after the last from the hourly rollups, and the minutes outside its whole
    hours (a zone whose offset is not whole hours) from raw rows. A year of local days costs what a year
    of UTC days costs."""
    tiles = Tiles.of(query.start, query.end)
    params: dict[str, Any] = {"tz": query.tz, "first_day": tiles.first_day, "last_day": tiles.last_day}
    filters = "".join(f" AND {clause}" for clause in _filters(query, params))
    hours = within("bucket_start", "hour", tiles.hours, params)
    raw = within('"timestamp"', "raw", tiles.raw, params)
    columns = _group_columns(query, "", params)
    groups = _names(columns)
    sources = f"""days AS MATERIALIZED (
  SELECT {SERIES}, day, date_trunc('month', day)::date AS month, count, sum, min, max, m2, version
  FROM metric_rollups_daily WHERE day >= :first_day AND day < :last_day{filters}
), hours AS MATERIALIZED (
  SELECT {SERIES}, count, sum, min, max, m2, sketch FROM metric_rollups_hourly WHERE {hours}{filters}
), raw AS MATERIALIZED (
  SELECT {SERIES}, {ADDED_UP}, jsonb_object_agg(bucket, count) AS sketch
  FROM (
    SELECT metric_name, service_name, metric_type, {UNIT_OF_RAW} AS unit,
           sketch_bucket(metric_value) AS bucket, count(*) AS count, sum(metric_value) AS sum,
           min(metric_value) AS min, max(metric_value) AS max, {M2_OF_RAW} AS m2
    FROM metrics WHERE {raw}{filters}
    GROUP BY 1, 2, 3, 4, 5
  ) AS per_bucket
  GROUP BY {SERIES}
), """
    tiled = " UNION ALL ".join(f"SELECT {SERIES}, count, sum, min, max, m2 FROM {cte}" for cte in TILES)
    figures_source = (
        f"SELECT {', '.join(columns)}, {FIGURE_COLUMNS}, {NO_STORED_QUANTILES} FROM ({tiled}) AS tiles"
    )
    sketch_rows = f"""
  SELECT * FROM ({_sketches_with_whole_months(query, columns, params, filters)}) AS day_sketches
  UNION ALL SELECT {", ".join(columns)}, sketch, 1 FROM hours
  UNION ALL SELECT {", ".join(columns)}, sketch, 1 FROM raw"""
    rows = _figures_and_sketches(groups, sources, figures_source, sketch_rows, percentiles)
    return rows, groups, params


TILES = ("days", "hours", "raw")


def _sketches_with_whole_months(
    query: StatisticsQuery, columns: list[str], params: dict[str, Any], filters: str
) -> str:
    """The sketches to merge for the daily rows of the CTE `days` (the period's, from :first_day to
    :last_day): a month's monthly rollup where the month's days in the period are exactly the days it was
    built from (same number, same sum of versions); for a month the period holds only part of, its
    monthly rollup less the sketches of its days outside the period, where the month is as it was built
    and fewer of its days are outside than inside; the daily rows of every other day. (Whether a month is
    covered is a column, not a filter, so the planner's row estimates stay sane. The days of uncovered
    months are a semi-join, which it hashes; as a join, it sorted every day of the period.)"""
    month_columns = _group_columns(query, "month::timestamp", params)
    days_columns = ", ".join(columns)
    return f"""
  WITH outside AS MATERIALIZED (
    SELECT {SERIES}, day, date_trunc('month', day)::date AS month, version
    FROM metric_rollups_daily
    WHERE ((day >= date_trunc('month', CAST(:first_day AS date))::date AND day < :first_day)
        OR (day >= :last_day
            AND day < (date_trunc('month', CAST(:last_day AS date) - 1) + interval '1 month')::date)
      ){filters}
  ), months AS MATERIALIZED (
    SELECT v.metric_name, v.service_name, v.metric_type, v.unit, v.month, m.sketch,
           (m.built_from, m.built_from_days) IS NOT DISTINCT FROM (v.versions, v.days) AS covered,
           o.days < v.days AND (m.built_from, m.built_from_days) = (v.versions + o.versions, v.days + o.days)
             AS less_outside
    FROM (
      SELECT {SERIES}, month, sum(version) AS versions, count(*)::integer AS days
      FROM days GROUP BY {SERIES}, month
    ) AS v
    LEFT JOIN (
      SELECT {SERIES}, month, sum(version) AS versions, count(*)::integer AS days
      FROM outside GROUP BY {SERIES}, month
    ) AS o USING ({SERIES}, month)
    LEFT JOIN metric_rollups_monthly m USING ({SERIES}, month)
  ), other_days AS MATERIALIZED (
    SELECT {SERIES}, day FROM days
    WHERE ({SERIES}, month) IN (
      SELECT {SERIES}, month FROM months WHERE NOT covered AND less_outside IS NOT TRUE
    )
  ), days_outside AS MATERIALIZED (
    SELECT {SERIES}, day FROM outside
    WHERE ({SERIES}, month) IN (SELECT {SERIES}, month FROM months WHERE NOT covered AND less_outside)
  )
  SELECT {", ".join(month_columns)}, sketch, 1 AS sign FROM months WHERE covered OR less_outside
  UNION ALL
  SELECT {days_columns}, d.sketch, -1 FROM days_outside JOIN metric_rollups_daily d USING ({SERIES}, day)
  UNION ALL
  SELECT {days_columns}, d.sketch, 1 FROM other_days JOIN metric_rollups_daily d USING ({SERIES}, day)"""


def _from_raw(query: StatisticsQuery, percentiles: bool) -> Rows:
    params: dict[str, Any] = {"tz": query.tz, "start": query.start, "end": query.end}
    columns = _group_columns(
        query, '("timestamp" AT TIME ZONE :tz)', params, instant_of='"timestamp"', unit_of=UNIT_OF_RAW
    )
    groups = _names(columns)
    where = ['"timestamp" >= :start', '"timestamp" < :end', *_filters(query, params)]
    for i, (key, value) in enumerate(query.dimensions):
        where.append(f"dimensions->>:dimension_key{i} = :dimension_value{i}")
        params |= {f"dimension_key{i}": key, f"dimension_value{i}": value}
    quantiles = f"percentile_cont({LEVELS}) WITHIN GROUP (ORDER BY metric_value)" if percentiles else "NULL"
    rows = f"""
SELECT {groups}, count, sum, avg, min, max, stddev, {QUANTILE_COLUMNS}, unit, other_unit
FROM (
  SELECT {", ".join(columns)}, count(*) AS count, sum(metric_value) AS sum, avg(metric_value) AS avg,
         min(metric_value) AS min, max(metric_value) AS max, stddev_pop(metric_value) AS stddev,
         {quantiles}::double precision[] AS q, {UNITS_OF_RAW}
  FROM metrics WHERE {" AND ".join(where)}
  GROUP BY {groups}
) AS figures"""
    return rows, groups, params


def _breakdown_key(query: StatisticsQuery, percentiles: bool) -> str | None:
    """The key of a question the dimension rollups can answer: count, sum, min, max of groups of series
    fields and one breakdown dimension, without time groups or dimension filters."""
    keys = [
        name.removeprefix(DIMENSION_PREFIX) for name in query.group_by if name.startswith(DIMENSION_PREFIX)
    ]
    if percentiles or query.dimensions or query.interval or len(keys) != 1:
        return None
    return keys[0] if keys[0] in BREAKDOWN_DIMENSIONS else None


def _whole_utc_days(query: StatisticsQuery) -> tuple[dt.date, dt.date] | None:
    """The whole UTC days within the period, as [first, last), if it holds any."""
    start, end = (moment.astimezone(dt.UTC) for moment in (query.start, query.end))
    first = start.date() if start.time() == dt.time(0) else start.date() + dt.timedelta(days=1)
    return (first, end.date()) if first < end.date() else None


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), dt.UTC)


def _raw_stretches(
    query: StatisticsQuery, first: dt.date, last: dt.date, stale_days: list[dt.date]
) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    """The parts of the period read from raw rows: before `first`, the stale days, from `last` on."""
    one_day = dt.timedelta(days=1)
    pieces = [
        (query.start, _midnight(first)),
        *((_midnight(day), _midnight(day + one_day)) for day in stale_days),
        (_midnight(last), query.end),
    ]
    stretches: list[tuple[dt.datetime, dt.datetime]] = []
    for begin, finish in pieces:
        if begin >= finish:
            continue
        if stretches and stretches[-1][1] >= begin:
            stretches[-1] = (stretches[-1][0], finish)
        else:
            stretches.append((begin, finish))
    return tuple(stretches)


def _from_dimension_rollups(
    session: Session, query: StatisticsQuery, key: str, first: dt.date, last: dt.date
) -> Rows:
    """Whole UTC days from the dimension rollups where they were built from the day's current daily rows,
    the rest of the period (its edges, days changed since) from raw rows."""
    params: dict[str, Any] = {"tz": query.tz, "key": key, "first": first, "last": last}
    series_filters = "".join(f" AND {clause}" for clause in _filters(query, params))
    stale_days = list(
        session.execute(
            text(f"""
SELECT DISTINCT d.day FROM metric_rollups_daily d
WHERE d.day >= :first AND d.day < :last{series_filters} AND NOT EXISTS (
  SELECT 1 FROM metric_dimension_rollups_daily b
  WHERE b.dimension_key = :key AND b.day = d.day AND b.built_from = d.version
    AND (b.metric_name, b.service_name, b.metric_type, b.unit)
      = (d.metric_name, d.service_name, d.metric_type, d.unit)
)
ORDER BY 1"""),
            params,
        ).scalars()
    )
    params["stale_days"] = stale_days
    raw_columns = _group_columns(query, "", params, unit_of=UNIT_OF_RAW)
    groups = _names(raw_columns)
    rolled_up_columns = [
        f"dimension_value AS g{i}" if name.startswith(DIMENSION_PREFIX) else f"{name} AS g{i}"
        for i, name in enumerate(query.group_by)
    ]
    sources = [
        f"""
  SELECT {", ".join(rolled_up_columns)}, count, sum, min, max, m2, unit, unit AS other_unit
  FROM metric_dimension_rollups_daily
  WHERE dimension_key = :key AND day >= :first AND day < :last
    AND day <> ALL(CAST(:stale_days AS date[])){series_filters}"""
    ]
    stretches = _raw_stretches(query, first, last, stale_days)
    if stretches:
        raw = within('"timestamp"', "raw", stretches, params)
        sources.append(f"""
  SELECT {", ".join(raw_columns)}, count(*), sum(metric_value), min(metric_value), max(metric_value),
         {M2_OF_RAW}, {UNITS_OF_RAW}
  FROM metrics WHERE {raw}{series_filters}
  GROUP BY {groups}""")
    source = f"({' UNION ALL '.join(sources)}) AS source"
    rows = f"""
SELECT {groups}, {FIGURES_OF_SUMS}, {NO_QUANTILES}, unit, other_unit
FROM (
  SELECT {groups}, {ADDED_UP}, {UNITS_ADDED_UP}
  FROM {source}
  GROUP BY {groups}
) AS figures"""
    return rows, groups, params


class SqlStatisticsReader:
    def __init__(self, session: Session) -> None:
        self._session = session

    def table(
        self, query: StatisticsQuery, percentiles: bool, figures: Collection[str] = FIGURES
    ) -> list[list[Any]]:
        return statistics_table(self._session, query, percentiles, figures)

    def groups_json(self, query: StatisticsQuery) -> tuple[str, list[str] | None]:
        return statistics_groups_json(self._session, query)

    def data_version(self) -> str:
        """The transactions the snapshot sees as committed (xmin:xmax:in progress): it changes when any
        write commits, and only then."""
        return str(self._session.execute(text("SELECT pg_current_snapshot()::text")).scalar_one())
