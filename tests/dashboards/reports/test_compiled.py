"""The PDF renderer compiled by Cython at install (dashboards/reports/compiled.py, ADR 16)."""

import importlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dashboards.reports import compiled


def _fake_distribution(root: Path) -> compiled.Package:
    """A tiny installed package `toypkg` (with its dist-info and RECORD) under `root`."""
    package = root / "toypkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "maths.py").write_text(textwrap.dedent("""
        def total(values):
            return sum(value * 2 for value in values)
    """))
    (package / "__main__.py").write_text("print('main')\n")
    info = root / "toypkg-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toypkg\nVersion: 1.0\n")
    (info / "RECORD").write_text("toypkg/__init__.py,,\ntoypkg/sub/__init__.py,,\ntoypkg/sub/maths.py,,\n"
                                 "toypkg/__main__.py,,\ntoypkg-1.0.dist-info/RECORD,,\n")
    return compiled.Package("toypkg", "toypkg", package.resolve())


@pytest.fixture
def toy(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))  # for the trial, run in a child
    importlib.invalidate_caches()
    package = _fake_distribution(tmp_path)
    monkeypatch.setattr(compiled, "packages", lambda names=None: [package])
    monkeypatch.setattr(compiled, "TRIAL", "import toypkg.sub.maths as m; m.total([1, 2])")
    yield package
    for name in [n for n in sys.modules if n == "toypkg" or n.startswith("toypkg.")]:
        del sys.modules[name]


def _run_in_child(root: Path, code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True,
                          cwd=root).stdout.strip()


def test_compiles_each_module_lists_it_in_record_and_stamps_the_sources(toy):
    done = compiled.compile_all(jobs=1)

    assert done == [toy]
    made = compiled.extensions(toy)
    assert sorted(p.name.split(".")[0] for p in made) == ["__init__", "__init__", "maths"]  # not __main__
    record = toy.record().read_text().splitlines()
    for path in made:
        assert f"{path.relative_to(toy.root.parent).as_posix()},," in record
    assert "toypkg/.compiled-by-cython.json,," in record
    assert json.loads((toy.root / compiled.STAMP).read_text())["version"] == "1.0"
    # Python takes the compiled module in place of the source, and it computes the same.
    out = _run_in_child(toy.root.parent, "import toypkg.sub.maths as m; print(m.__file__, m.total([1, 2, 3]))")
    file, total = out.split()
    assert file.endswith(compiled.SUFFIX) and total == "12"


def test_a_second_run_with_the_same_sources_does_nothing_and_a_changed_source_is_compiled_again(toy):
    compiled.compile_all(jobs=1)
    first = {p: p.stat().st_mtime_ns for p in compiled.extensions(toy)}

    assert compiled.compile_all(jobs=1) == []
    assert {p: p.stat().st_mtime_ns for p in compiled.extensions(toy)} == first

    (toy.root / "sub" / "maths.py").write_text("def total(values):\n    return sum(values) * 3\n")
    assert compiled.compile_all(jobs=1) == [toy]
    assert _run_in_child(toy.root.parent, "import toypkg.sub.maths as m; print(m.total([1, 2]))") == "9"
    record = toy.record().read_text().splitlines()
    assert len(record) == len(set(record))  # each extension listed once, however often it was compiled


def test_compiled_modules_that_fail_their_trial_are_all_taken_away(toy, monkeypatch):
    record_before = toy.record().read_text()
    monkeypatch.setattr(compiled, "TRIAL", "import toypkg.sub.maths as m; assert m.total([1]) == 99")

    with pytest.raises(compiled.NotCompiled, match="trial"):
        compiled.compile_all(jobs=1)

    assert compiled.extensions(toy) == []
    assert not (toy.root / compiled.STAMP).exists()
    assert toy.record().read_text() == record_before


def test_remove_takes_the_package_back_to_what_pip_installed(toy):
    record_before = toy.record().read_text()
    compiled.compile_all(jobs=1)

    compiled.remove(toy)

    assert compiled.extensions(toy) == [] and toy.record().read_text() == record_before
    out = _run_in_child(toy.root.parent, "import toypkg.sub.maths as m; print(m.__file__)")
    assert out.endswith("maths.py")


def test_without_a_compiler_nothing_is_touched_and_auto_says_so_without_failing(toy, monkeypatch, capsys):
    monkeypatch.setattr(compiled.shutil, "which", lambda name: None)
    monkeypatch.setenv("COMPILE_PDF_RENDERER", "auto")

    assert compiled.main([]) == 0
    assert "left as pure Python: there is no C compiler" in capsys.readouterr().err
    assert compiled.extensions(toy) == []

    monkeypatch.setenv("COMPILE_PDF_RENDERER", "required")
    assert compiled.main([]) == 1


def test_the_installed_renderer_is_compiled_wherever_its_stamp_says_so():
    """Where `make install` compiled WeasyPrint (CI requires it: COMPILE_PDF_RENDERER=required), this
    process renders with the compiled modules, the stamp matches the sources, and the report module's
    own mends still reach them."""
    import weasyprint.layout.inline

    from dashboards.reports import pdf

    packages = compiled.packages()
    stamped = [p for p in packages if compiled.read_stamp(p) is not None]
    if os.environ.get("COMPILE_PDF_RENDERER") == "required":
        assert len(stamped) == len(packages)
    for package in stamped:
        assert compiled.read_stamp(package) == compiled.stamp_for(package)
    in_use = compiled.compiled_modules()
    assert ("weasyprint.layout.inline" in in_use) == any(p.name == "weasyprint" for p in stamped)
    assert weasyprint.layout.inline.split_first_line.__wrapped__ is not None  # pdf.py's line cache
    assert pdf.weasyprint.text.line_break.strut is pdf._strut
