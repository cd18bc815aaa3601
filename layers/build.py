"""Builds the domain layer: third-party wheels for Lambda (arm64) plus the `analytics` package.

The CDK stack calls this script while bundling the layer asset; run it by hand to inspect the result:

    python layers/build.py --out layers/build

The layer's content is `<out>/python/` (Lambda adds `/opt/python` to `sys.path`).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = REPO_ROOT / "layers" / "requirements.txt"
DOMAIN_PACKAGE = REPO_ROOT / "shared" / "analytics"
PLATFORM = "manylinux2014_aarch64"
DEFAULT_PYTHON_VERSION = "3.12"
# Already in the Lambda Python runtime (pulled in here by aws-xray-sdk); a copy in the layer would
# shadow the runtime's boto3 stack with versions it was not released with.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "python_dateutil", "six", "urllib3")


def install_requirements(target: Path, *, python_version: str) -> None:
    """Installs the wheels built for the Lambda platform, whatever platform this script runs on."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",  # bytecode of this interpreter would be useless on the Lambda one
        "--platform",
        PLATFORM,
        "--implementation",
        "cp",
        "--python-version",
        python_version,
        "--only-binary=:all:",
        "--upgrade",
        "--requirement",
        str(REQUIREMENTS),
        "--target",
        str(target),
    ]
    subprocess.run(command, check=True)


def remove_runtime_provided(target: Path) -> None:
    """Deletes the distributions the runtime already has: every top-level entry their RECORD names."""
    for dist_info in list(target.glob("*.dist-info")):
        if dist_info.name.split("-")[0].lower() not in RUNTIME_PROVIDED:
            continue
        rows = (dist_info / "RECORD").read_text().splitlines()
        top_levels = {Path(row.split(",")[0]).parts[0] for row in rows if row and not row.startswith("..")}
        for name in top_levels:
            path = target / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
    shutil.rmtree(target / "bin", ignore_errors=True)  # console scripts, unusable in a layer


def copy_domain_package(target: Path) -> None:
    """Copies the `analytics` sources, without bytecode caches."""
    destination = target / DOMAIN_PACKAGE.name
    if destination.exists():
        shutil.rmtree(destination)
    shutil.copytree(DOMAIN_PACKAGE, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def build(out_dir: Path, *, python_version: str = DEFAULT_PYTHON_VERSION) -> Path:
    """Writes the layer into `out_dir/python` and returns that folder."""
    target = out_dir / "python"
    target.mkdir(parents=True, exist_ok=True)
    install_requirements(target, python_version=python_version)
    remove_runtime_provided(target)
    copy_domain_package(target)
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder that receives python/")
    parser.add_argument(
        "--python-version",
        default=DEFAULT_PYTHON_VERSION,
        help=f"CPython version of the Lambda runtime (default {DEFAULT_PYTHON_VERSION})",
    )
    args = parser.parse_args(argv)
    target = build(args.out.resolve(), python_version=args.python_version)
    size_mb = sum(f.stat().st_size for f in target.rglob("*") if f.is_file()) / 1_000_000
    print(f"layer built in {target} ({size_mb:.0f} MB)")


if __name__ == "__main__":
    main()
