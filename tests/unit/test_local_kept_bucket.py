"""The reports bucket kept in the data folder: what moto's server stores in the bucket (through boto3 over
HTTP, as the report worker does) is written to the folder, and put back after moto lost it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from analytics_infra.local.aws import CREDENTIALS, REGION, MotoServer
from analytics_infra.local.kept_bucket import KeptBucket
from tests.unit.test_local_ingest import reset

BUCKET = "kept-reports"
KEY = "reports/6f1c2b9e/monthly-report.pdf"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = MotoServer()
    yield server.start()
    server.stop()


@pytest.fixture
def s3(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    reset(endpoint)
    client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION)
    client.create_bucket(Bucket=BUCKET)
    yield client
    reset(endpoint)  # takes the folder's mirroring off moto's backend, for the tests that follow


def restart(endpoint: str, s3: Any) -> None:
    """What a new `up` finds: moto empty but for the stack's bucket."""
    reset(endpoint)
    s3.create_bucket(Bucket=BUCKET)


def test_what_the_bucket_stores_is_kept_in_the_folder_and_put_back_after_a_restart(
    endpoint: str, s3: Any, tmp_path: Path
) -> None:
    # Given a bucket kept in a folder, and a report file stored in it
    assert KeptBucket(tmp_path, BUCKET).keep(MotoServer.s3_backend()) == 0
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"%PDF-1.7 report", ContentType="application/pdf")
    assert (tmp_path / BUCKET / KEY).read_bytes() == b"%PDF-1.7 report"

    # When moto starts empty again and the bucket is kept from the same folder
    restart(endpoint, s3)
    restored = KeptBucket(tmp_path, BUCKET).keep(MotoServer.s3_backend())

    # Then the file is back in the bucket
    assert restored == 1
    assert s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == b"%PDF-1.7 report"


def test_copies_overwrites_and_deletes_are_mirrored(s3: Any, tmp_path: Path) -> None:
    KeptBucket(tmp_path, BUCKET).keep(MotoServer.s3_backend())
    root = tmp_path / BUCKET
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"first")
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"second")
    s3.copy_object(Bucket=BUCKET, Key="reports/copy/report.pdf", CopySource={"Bucket": BUCKET, "Key": KEY})
    assert (root / KEY).read_bytes() == (root / "reports/copy/report.pdf").read_bytes() == b"second"

    s3.delete_object(Bucket=BUCKET, Key=KEY)
    s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": "reports/copy/report.pdf"}]})

    # Nothing is left, not even the reports' emptied folders
    assert list(root.rglob("*")) == []


def test_other_buckets_and_keys_no_file_name_gives_back_stay_in_memory(s3: Any, tmp_path: Path) -> None:
    KeptBucket(tmp_path, BUCKET).keep(MotoServer.s3_backend())
    s3.create_bucket(Bucket="elsewhere")

    s3.put_object(Bucket="elsewhere", Key=KEY, Body=b"x")
    for key in ("reports//double-slash.pdf", "reports/../escape.pdf", "/rooted.pdf", "reports/dir/"):
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"x")

    assert sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*")) == [BUCKET]
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 4
