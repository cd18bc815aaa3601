"""Rendered reports in the S3 reports bucket, handed out through presigned GET URLs."""

from __future__ import annotations

from typing import Any

from analytics.aws.clients import client
from analytics.errors import Unavailable


class S3ReportFiles:
    def __init__(self, bucket: str) -> None:
        self._bucket = bucket

    def put(self, key: str, body: bytes, content_type: str) -> None:
        self._call("store", "put_object", Bucket=self._bucket, Key=key, Body=body, ContentType=content_type)

    def read(self, key: str) -> bytes:
        body: Any = self._call("read", "get_object", Bucket=self._bucket, Key=key)["Body"]
        return bytes(body.read())

    def exists(self, key: str) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            client("s3").head_object(Bucket=self._bucket, Key=key)
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "404":  # a HEAD answer has no body to say NoSuchKey
                return False
            raise _unavailable("find", exc) from exc
        except BotoCoreError as exc:
            raise _unavailable("find", exc) from exc
        return True

    def delete(self, key: str) -> None:
        self._call("delete", "delete_object", Bucket=self._bucket, Key=key)

    def download_url(self, key: str, *, content_type: str, file_name: str, expires_in: int) -> str:
        params = {
            "Bucket": self._bucket,
            "Key": key,
            "ResponseContentType": content_type,
            "ResponseContentDisposition": f'attachment; filename="{file_name}"',
        }
        return str(client("s3").generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in))

    def _call(self, doing: str, operation: str, **params: object) -> dict[str, object]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return dict(getattr(client("s3"), operation)(**params))
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(doing, exc) from exc


def _unavailable(doing: str, exc: Exception) -> Unavailable:
    return Unavailable(f"cannot {doing} the report file in the reports bucket: {exc}")
