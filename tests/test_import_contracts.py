"""The one-way imports between the apps (pyproject.toml [tool.importlinter]) hold, and each contract
really fails a tree that breaks it: a copy of the packages with one forbidden import added."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = ["billing", "connections", "syncflows", "portal", "integrator", "simulator", "bench"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_tree_keeps_every_import_contract():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    "module, violation, contract",
    [
        ("billing/roles.py", "import portal.views", "Apps import one way"),
        ("connections/http.py", "from syncflows import webhooks", "Apps import one way"),
        ("syncflows/webhooks.py", "import simulator.faults", "Production code never imports the simulator"),
        ("integrator/tenancy.py", "import bench.demo", "Production code never imports the simulator"),
        ("simulator/faults.py", "import connections.http", "The simulator stands apart"),
        ("integrator/inputs.py", "import billing.roles", "integrator's shared helpers import no app"),
        ("integrator/tenancy.py", "import syncflows.webhooks", "integrator builds on billing only"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, violation, contract):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with open(tmp_path / module, "a") as source:
        source.write(f"\n{violation}  # the violation under test\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0, result.stdout[-3000:]
    broken = [line for line in result.stdout.splitlines() if " BROKEN" in line]
    assert [line for line in broken if line.startswith(contract)], result.stdout[-3000:]
