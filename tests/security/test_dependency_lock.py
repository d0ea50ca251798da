"""Dependencies: every one bounded above, and installed only from hash-checked locks that agree with
pyproject.toml (a dependency added without `make lock` fails here, saying so)."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
LOCKS = {"main": ROOT / "requirements/main.txt", "test": ROOT / "requirements/test.txt"}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def declared(*groups: str) -> list[Requirement]:
    requirements = []
    for group in groups:
        if group == "main":
            requirements += PYPROJECT["project"]["dependencies"]
        elif group == "build":
            requirements += PYPROJECT["build-system"]["requires"]
        else:
            requirements += PYPROJECT["project"]["optional-dependencies"][group]
    return [Requirement(text) for text in requirements]


def pins(lock: Path) -> dict[str, str]:
    """name -> version of the lock's entries that apply to this interpreter; each must carry a hash."""
    found, lines = {}, lock.read_text().splitlines()
    for number, line in enumerate(lines):
        match = _PIN.match(line)
        if not match:
            continue
        name, version, marker = match.groups()
        assert number + 1 < len(lines) and "--hash=sha256:" in lines[number + 1], f"{lock.name}: {name} has no hash"
        if marker is None or Marker(marker).evaluate():
            found[canonicalize_name(name)] = version
    return found


@pytest.mark.parametrize("requirement", declared("main", "test", "build"), ids=str)
def test_every_dependency_has_an_upper_bound(requirement):
    assert any(spec.operator in ("<", "<=", "==", "~=") for spec in requirement.specifier), (
        f"{requirement} has no upper bound"
    )


@pytest.mark.parametrize(("lock", "groups"), [("main", ("main", "build")), ("test", ("main", "test", "build"))])
def test_the_lock_pins_every_declared_dependency_within_its_bounds(lock, groups):
    pinned = pins(LOCKS[lock])
    for requirement in declared(*groups):
        if requirement.marker and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} is not in requirements/{lock}.txt: run `make lock`"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"requirements/{lock}.txt has {name}=={pinned[name]}, outside {requirement}: run `make lock`"
        )


def test_the_runtime_lock_agrees_with_the_test_lock():
    main, test = pins(LOCKS["main"]), pins(LOCKS["test"])
    assert {name: version for name, version in test.items() if name in main} == main


def test_make_installs_only_from_the_locks_with_hashes_and_the_project_without_dependencies():
    makefile = (ROOT / "Makefile").read_text()
    installs = [line.strip() for line in makefile.splitlines() if "$(PIP) install" in line]
    assert "$(PIP) install --require-hashes -r requirements/main.txt" in installs
    assert "$(PIP) install --require-hashes -r requirements/test.txt" in installs
    assert "$(PIP) install --no-deps --no-build-isolation -e ." in installs
    others = [line for line in installs if "requirements/" not in line and "--no-deps" not in line]
    assert others == ['$(PIP) install "uv==$(UV_VERSION)"']  # only `make lock`'s tool, pinned
