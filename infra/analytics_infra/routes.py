"""The route table: which path goes to which function. Read by the CDK stack and the local runner."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Access(StrEnum):
    READ = "read"  # open unless reads require a token (REQUIRE_AUTH_FOR_READS / context requireAuthForReads)
    WRITE = "write"  # always behind the JWT authorizer
    PRIVATE = "private"  # reads that always need a token too (admin views)
    # Open reads that identify the caller when a token is sent (private dashboards for their owners): with
    # reads open, the optional authorizer verifies a token if there is one; otherwise plain protected reads.
    OPTIONAL = "optional"
    # Never behind an authorizer, whatever the deployment requires for reads: the web console's static files.
    # They hold no data; the page calls the API with the token its user signs in with.
    OPEN = "open"


@dataclass(frozen=True)
class ApiFunction:
    """One Lambda per endpoint group; its code is `functions/<name>/handler.py`."""

    name: str
    description: str
    memory_mb: int = 512
    timeout_seconds: int = 29


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # an HTTP API route path, `{proxy+}` for everything below
    function: str
    access: Access

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


API_FUNCTIONS: tuple[ApiFunction, ...] = (
    ApiFunction("metrics", "Metrics: create, bulk, list, get, delete"),
    ApiFunction("events", "Tracked events: create, bulk, list, get"),
    ApiFunction("ingest_api", "Ingestion: items the ingest queue rejected (admin)", memory_mb=256),
    ApiFunction("health", "Health: database reachability and schema version", memory_mb=256),
    ApiFunction("docs", "The OpenAPI document of the whole API and Swagger UI", memory_mb=512),
    ApiFunction("charts", "Chart data: line, area, bar, pie and heatmap"),
    ApiFunction("reports", "Reports: generate, list, get, delete, download, e-mail, schedule"),
    ApiFunction("jobs", "Scheduled jobs: create, list, get, update, delete, trigger, statistics"),
    ApiFunction("dashboards", "Dashboards: CRUD, public, default per type, executive, widgets' data"),
    ApiFunction("sync", "Data sync: pull from sibling services, follow, stop, status, statistics"),
    ApiFunction("simple", "Simple API (spec/004) at the root: metrics, events, dashboard, health"),
    ApiFunction("insights", "Domain insights: partners, projects, social media, notifications"),
    ApiFunction("advanced", "Advanced analytics: predictions, forecasts, comparisons, calculations", 1024),
    ApiFunction("goals", "KPI goals: CRUD, progress from the metrics, forecasts, alerts", 1024),
    ApiFunction(
        "console", "Web console: the static bundle under /console/", memory_mb=256, timeout_seconds=10
    ),
)

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _group(prefix: str, function: str, reads: Access = Access.READ) -> list[Route]:
    """A resource group: reads and writes on the prefix and everything below it."""
    routes = []
    for path in (prefix, f"{prefix}/{{proxy+}}"):
        routes.append(Route("GET", path, function, reads))
        routes.extend(Route(method, path, function, Access.WRITE) for method in WRITE_METHODS)
    return routes


ROUTES: tuple[Route, ...] = (
    *_group("/api/v1/metrics", "metrics"),
    *_group("/api/v1/events", "events"),
    *_group("/api/v1/reports", "reports"),
    *_group("/api/v1/jobs", "jobs"),
    *_group("/api/v1/sync", "sync"),
    *_group("/api/v1/dashboards", "dashboards", reads=Access.OPTIONAL),
    *_group("/api/v1/goals", "goals"),
    Route("GET", "/api/v1/ingest/{proxy+}", "ingest_api", Access.PRIVATE),
    Route("GET", "/api/v1/charts/{proxy+}", "charts", Access.READ),
    Route("GET", "/api/v1/analytics/{proxy+}", "insights", Access.READ),
    Route("POST", "/api/v1/advanced/{proxy+}", "advanced", Access.WRITE),
    Route("GET", "/api/v1/health", "health", Access.READ),
    Route("GET", "/api/v1/openapi.json", "docs", Access.READ),
    Route("GET", "/api/v1/docs", "docs", Access.READ),
    Route("GET", "/api/v1/redoc", "docs", Access.READ),
    Route("GET", "/api/v1/redoc.standalone.js", "docs", Access.READ),
    # The simple API (spec/004): a compatibility API at the root, beside /api/v1.
    Route("GET", "/health", "simple", Access.READ),
    Route("GET", "/health-check", "simple", Access.READ),
    Route("GET", "/metrics", "simple", Access.READ),
    Route("POST", "/metrics", "simple", Access.WRITE),
    Route("GET", "/metrics/{proxy+}", "simple", Access.READ),
    Route("DELETE", "/metrics/{proxy+}", "simple", Access.WRITE),
    Route("GET", "/events", "simple", Access.READ),
    Route("POST", "/events", "simple", Access.WRITE),
    Route("DELETE", "/events", "simple", Access.WRITE),
    Route("GET", "/dashboard", "simple", Access.READ),
    Route("GET", "/docs", "simple", Access.READ),
    Route("GET", "/redoc", "simple", Access.READ),
    Route("GET", "/openapi.json", "simple", Access.READ),
    # The web console (its page, scripts and styles), served from the same origin as the API it calls.
    Route("GET", "/console", "console", Access.OPEN),
    Route("GET", "/console/{proxy+}", "console", Access.OPEN),
)


def requires_token(route: Route, *, require_auth_for_reads: bool) -> bool:
    if route.access is Access.OPEN:
        return False
    return route.access not in (Access.READ, Access.OPTIONAL) or require_auth_for_reads


def takes_optional_token(route: Route, *, require_auth_for_reads: bool) -> bool:
    """Open, but a token sent with the request is verified and names the caller (the optional authorizer)."""
    return route.access is Access.OPTIONAL and not require_auth_for_reads


def match(method: str, path: str) -> Route | None:
    """The route serving a request, as API Gateway would pick it (exact path before `{proxy+}`)."""
    path = path.rstrip("/") or "/"
    candidates = [r for r in ROUTES if r.method == method.upper()]
    for route in candidates:
        if route.path == path:
            return route
    best: Route | None = None
    for route in candidates:
        if route.path.endswith("/{proxy+}"):
            prefix = route.path.removesuffix("{proxy+}")
            if path.startswith(prefix) and (best is None or len(route.path) > len(best.path)):
                best = route
    return best
