"""Report e-mail through SES: the sender, and who may send as it."""

from __future__ import annotations

from aws_cdk import ArnFormat, Stack, aws_iam
from constructs import Construct

from analytics_infra.function import AnalyticsFunction

# SendRawEmail for SES v1's send_raw_email (a report with its file attached); SendEmail for SES v2's
# send_email, which authorizes raw and simple messages alike.
SEND_ACTIONS = ["ses:SendRawEmail", "ses:SendEmail"]


class ReportsMail(Construct):
    """The sender's SES identity is not created here: an identity is one per account and Region, its
    domain is usually verified once (DKIM records in DNS) and shared with the platform's notification
    service, and CloudFormation fails to create one that already exists. An address identity would
    also need someone to click the verification link SES mails after every fresh deploy.

    SES authorizes a send against the identity that covers the From address: the address itself if it
    is verified, else its domain. Senders may use either identity, and no other.
    """

    def __init__(self, scope: Construct, construct_id: str, *, sender: str) -> None:
        super().__init__(scope, construct_id)
        self.sender = sender
        domain = sender.rpartition("@")[2]
        stack = Stack.of(self)
        self.identity_arns = [
            stack.format_arn(
                service="ses",
                resource="identity",
                resource_name=name,
                arn_format=ArnFormat.SLASH_RESOURCE_NAME,
            )
            for name in (sender, domain)
        ]

    @property
    def environment(self) -> dict[str, str]:
        return {"REPORTS_EMAIL_SENDER": self.sender}

    def allow_sending(self, function: AnalyticsFunction) -> None:
        """Lets the function send e-mail from the sender, and tells it the sender."""
        function.role.add_to_principal_policy(
            aws_iam.PolicyStatement(actions=SEND_ACTIONS, resources=self.identity_arns)
        )
        for name, value in self.environment.items():
            function.function.add_environment(name, value)
