"""The domain layer: built for the functions' runtime, holding the analytics sources without caches."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from analytics_infra import layer
from analytics_infra.constants import (
    DOMAIN_PACKAGE_DIR,
    LAYER_BUILD_SCRIPT,
    LAYER_REQUIREMENTS,
    PYTHON_VERSION,
    REPO_ROOT,
)
from tests.infra.conftest import Synth


def load_build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("layer_build", LAYER_BUILD_SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_layer_matches_the_functions_runtime_and_architecture(default_synth: Synth) -> None:
    default_synth.template.has_resource_properties(
        "AWS::Lambda::LayerVersion",
        {"CompatibleRuntimes": [f"python{PYTHON_VERSION}"], "CompatibleArchitectures": ["arm64"]},
    )
    assert load_build_script().DEFAULT_PYTHON_VERSION == PYTHON_VERSION


def test_the_domain_package_is_copied_without_bytecode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a package with bytecode caches beside its sources
    source = tmp_path / "src" / "analytics"
    (source / "db" / "__pycache__").mkdir(parents=True)
    (source / "__init__.py").write_text("")
    (source / "db" / "engine.py").write_text("")
    (source / "db" / "__pycache__" / "engine.cpython-311.pyc").write_bytes(b"")
    (source / "stale.pyc").write_bytes(b"")
    build = load_build_script()
    monkeypatch.setattr(build, "DOMAIN_PACKAGE", source)
    # When copied into the layer
    build.copy_domain_package(tmp_path / "layer")
    # Then only the sources arrive
    copied = sorted(
        path.relative_to(tmp_path / "layer").as_posix() for path in (tmp_path / "layer").rglob("*")
    )
    assert copied == ["analytics", "analytics/__init__.py", "analytics/db", "analytics/db/engine.py"]


def test_packages_the_runtime_provides_are_removed(tmp_path: Path) -> None:
    # Given botocore pulled in by a dependency next to a package the layer needs
    def install(name: str, version: str, files: list[str]) -> None:
        for file in files:
            (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / file).write_text("")
        dist_info = tmp_path / f"{name}-{version}.dist-info"
        dist_info.mkdir()
        record = [*files, f"{dist_info.name}/RECORD,,", "../../bin/tool,,"]
        (dist_info / "RECORD").write_text("\n".join(record))

    install("botocore", "1.0", ["botocore/__init__.py", "botocore/data/s3.json"])
    install("six", "1.17.0", ["six.py"])
    install("pg8000", "1.31", ["pg8000/__init__.py"])
    (tmp_path / "bin").mkdir()
    # When the build removes what the runtime provides
    load_build_script().remove_runtime_provided(tmp_path)
    # Then only the layer's own package is left
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pg8000", "pg8000-1.31.dist-info"]


def test_the_layer_is_rebuilt_when_the_domain_code_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a copy of the domain package as the layer's source
    package = tmp_path / "analytics"
    shutil.copytree(DOMAIN_PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(layer, "DOMAIN_PACKAGE_DIR", package)
    before = layer.layer_source_hash()
    # When a module changes, Then the asset hash changes; a bytecode cache does not count
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "settings.cpython-311.pyc").write_bytes(b"cache")
    assert layer.layer_source_hash() == before
    (package / "settings.py").write_text("# changed\n", encoding="utf-8")
    assert layer.layer_source_hash() != before


def test_the_layer_requires_what_the_package_requires_with_the_same_bounds() -> None:
    # Given the domain package's dependencies (pyproject.toml) and the layer's requirements
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    declared = set(pyproject["project"]["dependencies"])
    required = {
        line.strip()
        for line in LAYER_REQUIREMENTS.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    # Then the layer lists each of them with the same bounds, but the SDK the Lambda runtime provides
    runtime_provided = {requirement for requirement in declared if requirement.startswith("boto3")}
    assert required == declared - runtime_provided
    assert {"reportlab>=4.2", "email-validator>=2.1"} <= required
