"""The bucket that holds rendered reports until their download links are long expired."""

from __future__ import annotations

from aws_cdk import Duration, aws_s3
from constructs import Construct

from analytics_infra import resources
from analytics_infra.nag import acknowledge


class ReportsStorage(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, expiry_days: int) -> None:
        super().__init__(scope, construct_id)
        self.bucket = aws_s3.Bucket(
            self,
            resources.REPORTS_BUCKET,
            block_public_access=aws_s3.BlockPublicAccess.BLOCK_ALL,
            encryption=aws_s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=False,
            lifecycle_rules=[
                aws_s3.LifecycleRule(
                    id="expire-reports",
                    expiration=Duration.days(expiry_days),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
        )
        acknowledge(
            self.bucket,
            "AwsSolutions-S1",
            "No server access logs: the objects are generated reports, downloaded only through short-lived "
            "presigned URLs issued to authenticated callers, and every issue is logged by the function. "
            "A log bucket would be one more bucket to secure for no added audit value.",
        )

    @property
    def environment(self) -> dict[str, str]:
        return {"REPORTS_BUCKET": self.bucket.bucket_name}
