"""Names, sizes and versions of the stack, in one place."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration, aws_lambda, aws_logs, aws_rds

REPO_ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR = REPO_ROOT / "functions"
LAYER_BUILD_SCRIPT = REPO_ROOT / "layers" / "build.py"
LAYER_REQUIREMENTS = REPO_ROOT / "layers" / "requirements.txt"
DOMAIN_PACKAGE_DIR = REPO_ROOT / "shared" / "analytics"
MIGRATIONS_DIR = DOMAIN_PACKAGE_DIR / "db" / "migrations"
# Left out of every asset and fingerprint: bytecode of the local interpreter.
CACHE_FILES = ["__pycache__", "*.pyc"]

STACK_NAME = "AnalyticsService"

# Lambda platform. The layer's compiled wheels are built for exactly this CPython version.
RUNTIME = aws_lambda.Runtime.PYTHON_3_12
PYTHON_VERSION = RUNTIME.name.removeprefix("python")
ARCHITECTURE = aws_lambda.Architecture.ARM_64
HANDLER = "handler.lambda_handler"
LOG_RETENTION = aws_logs.RetentionDays.ONE_MONTH

# Observability names (Powertools reads them from the environment).
SERVICE_NAME = "analytics"
METRICS_NAMESPACE = "Analytics"

# Database.
DB_NAME = "analytics"
DB_USERNAME = "analytics"
DB_PORT = 5432
DB_ENGINE_VERSION = aws_rds.AuroraPostgresEngineVersion.VER_17_9
DB_MIN_CAPACITY_ACU = 0.5
DB_MAX_CAPACITY_ACU = 4
DB_BACKUP_RETENTION = Duration.days(7)

# The migration function: DDL on a large table may take minutes.
MIGRATE_FUNCTION = "migrate"
MIGRATE_MEMORY_MB = 512
MIGRATE_TIMEOUT = Duration.minutes(10)

# The docs function merges the schemas of its siblings, so its asset is the whole functions folder.
DOCS_FUNCTION = "docs"
DOCS_HANDLER = "docs.handler.lambda_handler"
# The API functions (routes.py) that get reports' and jobs' resources on top of the database.
REPORTS_API_FUNCTION = "reports"
JOBS_API_FUNCTION = "jobs"
# The goals API computes progress and sends alerts (events on the bus, e-mail), as the scheduler does.
GOALS_API_FUNCTION = "goals"
# The web console: the bundle Vite builds from console/ lands beside the function's handler (site/), and the
# function's asset carries it. `make console` builds it (npm ci from the lock file, then npm run build).
CONSOLE_FUNCTION = "console"
CONSOLE_SITE_DIR = FUNCTIONS_DIR / CONSOLE_FUNCTION / "site"
CONSOLE_SOURCE_DIR = REPO_ROOT / "console"
# API functions that never touch the database get neither its address nor its credentials.
FUNCTIONS_WITHOUT_DATABASE = frozenset({DOCS_FUNCTION, CONSOLE_FUNCTION})

# The optional authorizer (routes with Access.OPTIONAL while reads are open): verifies a bearer token when
# one is sent. API Gateway waits at most 10 s for a Lambda authorizer; fetching the issuer's discovery
# document and keys on a cold start takes two requests of at most 3 s each (analytics.optional_auth).
OPTIONAL_AUTHORIZER_FUNCTION = "optional_authorizer"
OPTIONAL_AUTHORIZER_MEMORY_MB = 256
OPTIONAL_AUTHORIZER_TIMEOUT = Duration.seconds(10)

# HTTP API: stage-wide throttling answers 429 before a burst reaches the database.
API_THROTTLE_RATE_PER_SECOND = 100
API_THROTTLE_BURST = 200

# The ingest consumer. Batches of up to 1,000 messages, gathered for at most 5 seconds: siblings
# mostly send one metric per message and the consumer stores a whole batch in a few bulk statements,
# so large batches save invocations and database round trips that SQS's default ten would not.
# Lambda caps a batch at 6 MB, so large messages simply make smaller batches. The window is the most
# an idle queue delays an item. The ingest benchmark (tests/benchmarks) stores thousands of items a
# second on a laptop: 1,000 messages of 10 items each take seconds, far inside the one-minute timeout.
INGEST_FUNCTION = "ingest"
INGEST_MEMORY_MB = 1024  # CPU scales with memory; parsing and validating a full batch is CPU-bound
INGEST_TIMEOUT = Duration.minutes(1)
INGEST_BATCH_SIZE = 1_000
INGEST_MAX_BATCHING_WINDOW = Duration.seconds(5)
# At most this many batches at once: a backlog still drains at thousands of items a second, and the
# API keeps its share of the proxy's connections and of the cluster's few ACUs (DB_MAX_CAPACITY_ACU).
INGEST_MAX_CONCURRENCY = 5

# Ingest queue: AWS advises a visibility timeout of at least six times the function's timeout for
# SQS event sources, so a throttled or retried batch is not redelivered while it is still running;
# messages are already in flight while the batching window gathers them, so the window is added.
INGEST_VISIBILITY_TIMEOUT_FACTOR = 6
INGEST_VISIBILITY_TIMEOUT = Duration.seconds(
    INGEST_VISIBILITY_TIMEOUT_FACTOR * INGEST_TIMEOUT.to_seconds() + INGEST_MAX_BATCHING_WINDOW.to_seconds()
)
INGEST_DLQ_RETENTION = Duration.days(14)

# The scheduler runs the scheduled tasks of timetable.py (partition maintenance and pruning, syncs
# with sibling services, goal updates) and the jobs users schedule, which may take minutes each.
# Report jobs render PDF and Excel files in the scheduler itself, as CPU-bound as the report worker,
# so it gets the worker's memory (Lambda's CPU share scales with memory).
SCHEDULER_FUNCTION = "scheduler"
SCHEDULER_MEMORY_MB = 1024
SCHEDULER_TIMEOUT = Duration.minutes(5)
# Jobs' EventBridge rules are made at run time by the reports and jobs functions, on the default bus,
# named this prefix plus the job's UUID (the functions read it as JOB_RULE_PREFIX; rule names hold 64
# characters, a UUID 36). The functions' IAM policies and the scheduler's invoke permission cover
# exactly the rules with this prefix.
JOB_RULE_PREFIX = "analytics-job-"

# The report worker renders one requested report (PDF with charts, or Excel) and uploads it. Rendering
# is single-threaded pure-Python CPU work, and Lambda's CPU share scales with memory (a whole vCPU at
# 1,769 MB): 1,024 MB gives it over half a vCPU, twice the API functions' share, at a modest cost per
# report. A large report over years of data may still take minutes.
REPORT_WORKER_FUNCTION = "report_worker"
REPORT_WORKER_MEMORY_MB = 1024
REPORT_WORKER_TIMEOUT = Duration.minutes(5)
# One report per invocation: each gets the whole timeout, and a failure retries only that report.
# Reports run side by side up to the concurrency cap, which keeps their heavy queries from taking the
# proxy's connections and the cluster's few ACUs from the API and the ingest consumer.
REPORT_WORKER_BATCH_SIZE = 1
REPORT_WORKER_MAX_CONCURRENCY = 2  # SQS event sources accept 2 to 1,000
# Reports queue: six worker timeouts, as for the ingest queue (no batching window to add here).
REPORTS_VISIBILITY_TIMEOUT_FACTOR = 6
REPORTS_VISIBILITY_TIMEOUT = Duration.seconds(
    REPORTS_VISIBILITY_TIMEOUT_FACTOR * REPORT_WORKER_TIMEOUT.to_seconds()
)
# A request that failed every delivery waits this long for a person to fix the cause and redrive it.
REPORTS_DLQ_RETENTION = Duration.days(14)

# Alarms: the dead-letter queue's depth is sampled over this period.
DLQ_ALARM_PERIOD = Duration.minutes(5)
