"""The reports bucket's objects kept in the data folder. moto holds S3 in memory only, so after a restart the
database still lists completed reports whose files were gone. Here the folder's files are put back into
moto's bucket at start, and from then on every object moto stores in or deletes from the bucket (put,
copy, multipart upload, batch delete: all go through its backend's put_object and delete_object) is written
to or removed from the folder: `<folder>/<bucket>/<key>`."""

from __future__ import annotations

import os
import uuid
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from moto.s3.models import S3Backend


class KeptBucket:
    def __init__(self, folder: Path, bucket: str) -> None:
        self.bucket = bucket
        self.root = folder / bucket
        # Written whole beside the bucket's folder, then renamed into it: a file there is always complete.
        # No bucket name starts with a dot, so this is never a bucket's folder.
        self._partial = folder / ".partial"

    def keep(self, backend: S3Backend) -> int:
        """Puts the folder's files into the bucket of moto's `backend`, then mirrors the bucket's changes
        into the folder; answers how many files were put back."""
        bucket = self.bucket
        self.root.mkdir(parents=True, exist_ok=True)
        files = sorted(path for path in self.root.rglob("*") if path.is_file())
        for path in files:
            backend.put_object(bucket, path.relative_to(self.root).as_posix(), path.read_bytes())
        put_object, delete_object = backend.put_object, backend.delete_object

        def put_and_keep(bucket_name: str, key_name: str, value: bytes, *args: Any, **kwargs: Any) -> Any:
            stored = put_object(bucket_name, key_name, value, *args, **kwargs)
            if bucket_name == bucket:
                self._write(key_name, value)
            return stored

        def delete_and_forget(bucket_name: str, key_name: str, *args: Any, **kwargs: Any) -> Any:
            result = delete_object(bucket_name, key_name, *args, **kwargs)
            if bucket_name == bucket:
                self._remove(key_name)
            return result

        # On this backend only: moto's reset (mock_aws, /moto-api/reset) rebuilds it without them.
        backend.put_object = put_and_keep  # type: ignore[method-assign]
        backend.delete_object = delete_and_forget  # type: ignore[method-assign]
        return len(files)

    def _write(self, key: str, value: bytes) -> None:
        path = self._path(key)
        if path is None:
            return
        self._partial.mkdir(parents=True, exist_ok=True)
        partial = self._partial / uuid.uuid4().hex
        partial.write_bytes(value)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial, path)

    def _remove(self, key: str) -> None:
        path = self._path(key)
        if path is None:
            return
        path.unlink(missing_ok=True)
        for folder in path.parents:
            if folder == self.root or any(folder.iterdir()):
                break
            folder.rmdir()

    def _path(self, key: str) -> Path | None:
        """Where the object of `key` is kept; None for a key no file name gives back unchanged (`a//b`,
        `a/../b`, `/a`, `a/`): such an object stays in memory only."""
        parts = PurePosixPath(key).parts
        if not parts or parts[0] == "/" or ".." in parts or PurePosixPath(*parts).as_posix() != key:
            return None
        return self.root.joinpath(*parts)
