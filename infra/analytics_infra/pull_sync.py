"""Pull-sync's settings on AWS: where the sibling services are, the page size and time budget, and the
bearer token the scheduler sends them, kept in a Secrets Manager secret.

The stack cannot know the token, so it creates the secret holding a random value that no sibling service
accepts; an operator then puts the token the auth service issued for the analytics service into it (the
plain token, or `{"token": "..."}`). The scheduler reads it once
per container, and its timeout covers a whole sync round: the budget plus a margin to record the end.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, aws_secretsmanager
from constructs import Construct

from analytics_infra.constants import SCHEDULER_TIMEOUT
from analytics_infra.function import AnalyticsFunction
from analytics_infra.nag import acknowledge

SYNC_API_FUNCTION = "sync"
# After the budget: the last page's transaction and the run's end are recorded within this.
SYNC_END_MARGIN = Duration.minutes(2)
LAMBDA_MAX_TIMEOUT = Duration.minutes(15)


def scheduler_timeout(sync_timeout_seconds: int) -> Duration:
    """The scheduler's timeout: its default, or longer when a sync round needs it (Lambda allows 15 min)."""
    needed = sync_timeout_seconds + int(SYNC_END_MARGIN.to_seconds())
    if needed > LAMBDA_MAX_TIMEOUT.to_seconds():
        limit = int(LAMBDA_MAX_TIMEOUT.to_seconds() - SYNC_END_MARGIN.to_seconds())
        raise ValueError(
            f"syncTimeoutSeconds must be at most {limit}: a sync round runs in one Lambda invocation"
        )
    return Duration.seconds(max(needed, int(SCHEDULER_TIMEOUT.to_seconds())))


class PullSync(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        service_urls: Mapping[str, str],
        batch_size: int,
        timeout_seconds: int,
    ) -> None:
        super().__init__(scope, construct_id)
        self.token = aws_secretsmanager.Secret(
            self,
            "ServiceToken",
            description="Bearer token the analytics service sends to sibling services' export endpoints",
            generate_secret_string=aws_secretsmanager.SecretStringGenerator(exclude_punctuation=True),
        )
        acknowledge(
            self.token,
            "AwsSolutions-SMG4",
            "The token is issued and rotated by the auth service; operators copy the current one in.",
        )
        self.scheduler_timeout = scheduler_timeout(timeout_seconds)
        self.environment: dict[str, str] = {
            **{f"{service.upper()}_SERVICE_URL": url for service, url in service_urls.items()},
            "SYNC_BATCH_SIZE": str(batch_size),
            "SYNC_TIMEOUT_SECONDS": str(timeout_seconds),
            "SYNC_SERVICE_TOKEN_SECRET_ARN": self.token.secret_arn,
        }

    def allow_syncing(self, function: AnalyticsFunction) -> None:
        """The function runs syncs: it reads the token and knows the settings."""
        self.token.grant_read(function.role)
        self.configure(function, token=True)

    def configure(self, function: AnalyticsFunction, *, token: bool = False) -> None:
        """The function knows the settings (the sync API shows the services' URLs); the token's secret
        only where it is granted."""
        for name, value in self.environment.items():
            if token or name != "SYNC_SERVICE_TOKEN_SECRET_ARN":
                function.function.add_environment(name, value)
