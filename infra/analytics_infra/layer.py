"""The domain layer: the `analytics` package and its third-party dependencies, built without Docker."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from typing import Any

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, FileSystem, ILocalBundling, aws_lambda
from constructs import Construct

from analytics_infra.constants import (
    ARCHITECTURE,
    CACHE_FILES,
    DOMAIN_PACKAGE_DIR,
    LAYER_BUILD_SCRIPT,
    LAYER_REQUIREMENTS,
    PYTHON_VERSION,
    REPO_ROOT,
    RUNTIME,
)

BUILD_ARGS = ["--python-version", PYTHON_VERSION]


@jsii.implements(ILocalBundling)
class LocalLayerBundling:
    """Runs layers/build.py with this interpreter's pip, which fetches wheels for the Lambda platform."""

    def try_bundle(self, output_dir: str, *, image: DockerImage, **options: Any) -> bool:
        subprocess.run(
            [sys.executable, str(LAYER_BUILD_SCRIPT), "--out", output_dir, *BUILD_ARGS], check=True
        )
        return True


def layer_source_hash() -> str:
    """Changes when the requirements, the build script, the target Python or the domain code change.

    A custom hash keeps CDK from fingerprinting the whole repository (the asset's source folder) and
    lets a synth reuse an already built layer in cdk.out.
    """
    digest = hashlib.sha256(PYTHON_VERSION.encode())
    for source in (LAYER_REQUIREMENTS, LAYER_BUILD_SCRIPT, DOMAIN_PACKAGE_DIR):
        digest.update(FileSystem.fingerprint(str(source), exclude=CACHE_FILES).encode())
    return digest.hexdigest()


class DomainLayer(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        code = aws_lambda.Code.from_asset(
            str(REPO_ROOT),
            asset_hash_type=AssetHashType.CUSTOM,
            asset_hash=layer_source_hash(),
            bundling=BundlingOptions(
                # CDK requires an image; local bundling always succeeds or fails the synth, so Docker
                # is never started. Were it used, it would run the same script in the SAM build image.
                image=RUNTIME.bundling_image,
                command=["python", "layers/build.py", "--out", "/asset-output", *BUILD_ARGS],
                local=LocalLayerBundling(),
            ),
        )
        self.layer = aws_lambda.LayerVersion(
            self,
            "Layer",
            code=code,
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="The analytics domain package and its dependencies (layers/requirements.txt)",
        )
