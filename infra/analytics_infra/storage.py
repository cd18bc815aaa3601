"""The bucket that holds rendered reports until their download links are long expired."""

from __future__ import annotations

from aws_cdk import Duration, aws_iam, aws_s3
from constructs import Construct

from analytics_infra import resources
from analytics_infra.function import AnalyticsFunction
from analytics_infra.nag import acknowledge, resource_finding

# Uploading a rendered report (one PutObject: reports are rendered in memory).
WRITE_ACTIONS = ["s3:PutObject"]
# Deleting a report's file with the report (the bucket is unversioned, so the object is gone).
DELETE_ACTIONS = ["s3:DeleteObject"]
# Reading a report, or presigning a GET for it (a presigned URL carries the signer's permissions).
READ_ACTIONS = ["s3:GetObject"]
# With ListBucket a missing report answers 404 (NoSuchKey) rather than 403.
LIST_ACTIONS = ["s3:ListBucket"]


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

    def grant_write_reports(self, function: AnalyticsFunction) -> None:
        """Lets the function upload reports (and nothing else: no ACLs, tags or retention)."""
        aws_iam.Grant.add_to_principal(
            grantee=function.role, actions=WRITE_ACTIONS, resource_arns=[self.bucket.arn_for_objects("*")]
        )
        self._acknowledge_object_keys(function)

    def grant_delete_reports(self, function: AnalyticsFunction) -> None:
        """Lets the function delete report files."""
        aws_iam.Grant.add_to_principal(
            grantee=function.role, actions=DELETE_ACTIONS, resource_arns=[self.bucket.arn_for_objects("*")]
        )
        self._acknowledge_object_keys(function)

    def grant_read_reports(self, function: AnalyticsFunction) -> None:
        """Lets the function read reports and presign downloads of them."""
        aws_iam.Grant.add_to_principal(
            grantee=function.role, actions=READ_ACTIONS, resource_arns=[self.bucket.arn_for_objects("*")]
        )
        aws_iam.Grant.add_to_principal(
            grantee=function.role, actions=LIST_ACTIONS, resource_arns=[self.bucket.bucket_arn]
        )
        self._acknowledge_object_keys(function)

    def _acknowledge_object_keys(self, function: AnalyticsFunction) -> None:
        acknowledge(
            function.role,
            f"AwsSolutions-IAM5[{resource_finding(self, self.bucket.arn_for_objects('*'))}]",
            "Every report is a new object whose key is made at run time from the report's id, so the "
            "grant covers the objects of the reports bucket, and no other bucket.",
        )
