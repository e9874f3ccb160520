"""The package's face: every public name resolves, and importing it is light."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import satmodels


@pytest.mark.parametrize("name", satmodels.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(satmodels, name) is not None
    assert name in dir(satmodels)


def test_unknown_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = satmodels.nope  # type: ignore[attr-defined]  # mypy flags it too


def _loaded_after(imports: str, modules: tuple[str, ...]) -> list[str]:
    """Import ``imports`` in a fresh interpreter; return which ``modules`` it loaded."""
    code = (
        f"import sys, importlib\n{imports}\n"
        f"print(','.join(m for m in {modules!r} if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return [m for m in out.stdout.strip().split(",") if m]


def test_import_loads_no_model_and_no_scipy_stats() -> None:
    heavy = ("scipy.stats", "satmodels.acsi", "satmodels.csi", "semopy", "pandas")
    assert _loaded_after("import satmodels", heavy) == []


@pytest.mark.parametrize(
    "module", ["satmodels.ratio", "satmodels.stats", "satmodels.data"]
)
def test_subpackage_names_resolve(module: str) -> None:
    mod = importlib.import_module(module)  # names load on first use (PEP 562)
    # the loader's table and the public list are kept by hand: one may not
    # gain a name the other lacks
    assert sorted(mod._LAZY) == sorted(mod.__all__)
    for name in mod.__all__:
        assert getattr(mod, name) is not None
        assert name in dir(mod)
    with pytest.raises(AttributeError, match=f"'{module}' has no attribute 'nope'"):
        _ = mod.nope


def test_ratio_result_path_loads_neither_pydantic_nor_narwhals() -> None:
    # the command line builds its result from DuckDB's sums while DuckDB
    # scans (cli._ratio_on_engine): every module it loads competes with the
    # scan for the two cores, so the result path stays numpy and scipy.special
    heavy = ("pydantic", "narwhals", "satmodels.ratio._fit", "satmodels.design",
             "satmodels.data", "scipy.stats")  # fmt: skip
    assert _loaded_after("import satmodels.ratio._engine", heavy) == []


def test_ratio_command_loads_numpy_beside_the_scan(tmp_path: Path) -> None:
    # numpy loads in a thread while DuckDB is imported
    # and scans (cli._ratio_on_engine); imported before, they would delay
    # the scan by a tenth of a second
    pytest.importorskip("duckdb")
    csv = tmp_path / "s.csv"
    csv.write_text("e1,p1\n" + "".join(f"{1 + r % 5},{1 + r % 7}\n" for r in range(50)))
    code = (
        "import sys\nfrom satmodels import cli\n"
        "cli._ENGINE_MIN_BYTES = 0\nreal = cli._ratio_on_engine\n"
        "def spy(*a, **k):\n"
        "    print('numpy before:', 'numpy' in sys.modules, file=sys.stderr)\n"
        "    res = real(*a, **k)\n"
        "    print('engine:', res is not None, file=sys.stderr)\n"
        "    return res\n"
        "cli._ratio_on_engine = spy\n"
        f"sys.exit(cli.main(['ratio', {str(csv)!r}, '--expected', 'e1', "
        "'--perceived', 'p1']))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "numpy before: False" in out.stderr
    assert "engine: True" in out.stderr  # the file took the DuckDB path


def test_ratio_command_on_a_large_file_needs_no_scipy(tmp_path: Path) -> None:
    # from 100,000 respondents on, the t quantiles and tail areas of the
    # result come from stats._student: scipy (a fifth of a second of CPU
    # beside DuckDB's scan) is never imported
    pytest.importorskip("duckdb")
    csv = tmp_path / "s.csv"
    rows = "".join(f"{1 + r % 5},{1 + r % 7}\n" for r in range(100_002))
    csv.write_text("e1,p1\n" + rows)
    code = (
        "import sys\nfrom satmodels import cli\n"
        "cli._ENGINE_MIN_BYTES = 0\n"
        f"code = cli.main(['ratio', {str(csv)!r}, '--expected', 'e1', "
        "'--perceived', 'p1', '--format', 'json'])\n"
        "print(code, sorted(m for m in sys.modules if m.startswith('scipy')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "0 []"
    assert '"pvalue"' in out.stdout  # the table has its tests and intervals


def test_no_model_module_loads_scipy_stats() -> None:
    # scipy.stats takes about a second to import: a model's first call pays
    # it only where a function needs it (kano's chi-square test of waves);
    # the quantiles and tail areas come from scipy.special
    models = ("csi", "kano", "servqual", "acsi", "sqi", "study", "national",
              "tracking", "value", "qfd", "retention", "weighting", "design",
              "ratio")  # fmt: skip
    imports = "\n".join(f"importlib.import_module('satmodels.{m}')" for m in models)
    assert _loaded_after(imports, ("scipy.stats",)) == []
