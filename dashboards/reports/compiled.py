"""WeasyPrint and the pure-Python libraries it reads HTML and writes PDF with, compiled by Cython.

    python -m dashboards.reports.compiled [--remove]

Run by `make install` (and the Dockerfile) after pip. Cython turns each module's own source, unchanged,
into a C extension placed beside it, which Python imports in its place; a board pack is laid out and
written about a quarter faster, and the PDF is the same to the byte (ADR 16, tests/dashboards/reports/).

It never makes the application depend on it: a module Cython cannot compile stays Python, and when no
compiler is at hand, or the compiled modules fail a trial PDF, nothing is left behind and the reports
run as pure Python. COMPILE_PDF_RENDERER says what to do: "auto" (the default: try, and say so if it
cannot), "required" (CI: fail loudly) or "off".

Each extension is listed in its distribution's RECORD, so `pip uninstall` or an upgrade removes it with
the sources it was made from, and a stamp (the versions compiled, and a hash of every source) is written
beside them: a run with the same stamp does nothing, and `compiled_modules()` tells which are in use.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Distribution -> its top-level package (WeasyPrint's own modules and the HTML parser, the CSS parser,
# the selector matcher and the PDF writer it spends its time in).
PACKAGES = {"weasyprint": "weasyprint", "pydyf": "pydyf", "tinyhtml5": "tinyhtml5",
            "cssselect2": "cssselect2", "tinycss2": "tinycss2"}
STAMP = ".compiled-by-cython.json"
SUFFIX = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
CFLAGS = "-O2 -g0"
TRIAL = ("import weasyprint; "
         "pdf = weasyprint.HTML(string='<table><tr><td>Trial</td></tr></table>').write_pdf(pdf_variant='pdf/ua-1'); "
         "assert pdf.startswith(b'%PDF')")


class NotCompiled(Exception):
    """Why the modules were left as Python."""


@dataclass(frozen=True)
class Package:
    dist: str
    name: str
    root: Path  # the package's directory

    @property
    def version(self) -> str:
        return importlib.metadata.version(self.dist)

    def sources(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*.py") if p.name != "__main__.py")

    def record(self) -> Path:
        dist = importlib.metadata.distribution(self.dist)
        for file in dist.files or ():
            if file.name == "RECORD":
                return Path(file.locate()).resolve()
        raise NotCompiled(f"{self.dist} has no RECORD, so its extensions could not be removed with it")


def packages(names=PACKAGES) -> list[Package]:
    found = []
    for dist, name in names.items():
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise NotCompiled(f"{name} is not installed")
        found.append(Package(dist, name, Path(next(iter(spec.submodule_search_locations))).resolve()))
    return found


def _digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def stamp_for(package: Package) -> dict:
    import Cython

    return {"version": package.version, "cython": Cython.__version__, "python": sys.version.split()[0],
            "sources": _digest(package.sources())}


def _stamp_path(package: Package) -> Path:
    return package.root / STAMP


def read_stamp(package: Package) -> dict | None:
    try:
        return json.loads(_stamp_path(package).read_text())
    except (OSError, ValueError):
        return None


def extensions(package: Package) -> list[Path]:
    """The compiled modules beside the package's sources."""
    return sorted(p for p in package.root.rglob(f"*{SUFFIX}") if p.with_name(p.name[: -len(SUFFIX)] + ".py").exists())


def _record_lines(package: Package, paths: list[Path]) -> list[str]:
    base = package.record().parent.parent
    return [f"{path.resolve().relative_to(base).as_posix()},," for path in paths]


def remove(package: Package) -> None:
    """Take the package back to its sources: no extension, no stamp, RECORD as pip wrote it."""
    made = extensions(package) + [_stamp_path(package)]
    ours = set(_record_lines(package, made))
    record = package.record()
    lines = record.read_text().splitlines()
    kept = [line for line in lines if line not in ours]
    if kept != lines:
        record.write_text("\n".join(kept) + "\n")
    for path in made:
        path.unlink(missing_ok=True)


def _build(package: Package, workdir: Path, jobs: int) -> list[Path]:
    """Compile a copy of the package's sources; the extensions made, by their path in the package."""
    from Cython.Build import cythonize
    from Cython.Compiler.Errors import CompileError
    from setuptools import setup

    copy = workdir / package.name
    shutil.copytree(package.root, copy, ignore=shutil.ignore_patterns("__pycache__", f"*{SUFFIX}", STAMP))
    modules = []
    cwd, cflags = Path.cwd(), os.environ.get("CFLAGS")
    os.chdir(workdir)
    try:
        for source in package.sources():
            relative = (Path(package.name) / source.relative_to(package.root)).as_posix()
            try:
                modules += cythonize([relative], language_level=3, quiet=True)
            except CompileError:  # a construct Cython does not take: that module stays Python
                print(f"  {relative}: left as Python (Cython cannot compile it)", flush=True)
        os.environ["CFLAGS"] = f"{cflags or ''} {CFLAGS}".strip()
        setup(name=f"compiled-{package.name}", script_args=["-q", "build_ext", "--inplace", "-j", str(jobs)],
              ext_modules=modules)
    finally:
        os.chdir(cwd)
        if cflags is None:
            os.environ.pop("CFLAGS", None)
        else:
            os.environ["CFLAGS"] = cflags
    return sorted(p.relative_to(workdir / package.name) for p in copy.rglob(f"*{SUFFIX}"))


def compile_all(jobs: int | None = None) -> list[Package]:
    """Compile every package whose stamp is missing or out of date; returns those compiled now."""
    try:
        import Cython  # noqa: F401
    except ImportError as error:
        raise NotCompiled("Cython is not installed") from error
    if not shutil.which(os.environ.get("CC", "cc")) and not shutil.which("gcc"):
        raise NotCompiled("there is no C compiler")
    jobs = jobs or os.cpu_count() or 1
    todo = [p for p in packages() if read_stamp(p) != stamp_for(p) or not extensions(p)]
    for package in todo:
        remove(package)
    done = []
    try:
        for package in todo:
            print(f"Compiling {package.name} {package.version} with Cython...", flush=True)
            with tempfile.TemporaryDirectory() as work:
                built = _build(package, Path(work), jobs)
                placed = []
                for relative in built:
                    target = package.root / relative
                    shutil.copy2(Path(work) / package.name / relative, target)
                    placed.append(target)
            stamp = _stamp_path(package)
            stamp.write_text(json.dumps(stamp_for(package), indent=2) + "\n")
            with package.record().open("a") as record:
                record.write("\n".join(_record_lines(package, [*placed, stamp])) + "\n")
            done.append(package)
        if todo:
            trial = subprocess.run([sys.executable, "-c", TRIAL], capture_output=True, text=True, timeout=300)
            if trial.returncode:
                raise NotCompiled(f"the compiled modules failed a trial PDF:\n{trial.stderr[-2000:]}")
    except BaseException as error:  # nothing half-done is left: the sources as pip installed them
        for package in todo:
            remove(package)
        if isinstance(error, NotCompiled | KeyboardInterrupt):
            raise
        raise NotCompiled(f"{type(error).__name__}: {error}") from error  # the compiler's SystemExit too
    return done


def compiled_modules() -> list[str]:
    """The modules of those packages that this process imported compiled."""
    prefixes = tuple(f"{name}." for name in PACKAGES.values())
    return sorted(name for name, module in list(sys.modules.items())
                  if (name in PACKAGES.values() or name.startswith(prefixes))
                  and str(getattr(module, "__file__", "") or "").endswith(SUFFIX))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--remove", action="store_true", help="Take the packages back to pure Python.")
    args = parser.parse_args(argv)
    mode = os.environ.get("COMPILE_PDF_RENDERER", "auto").strip().lower()
    if args.remove or mode == "off":
        for package in packages():
            remove(package)
        print("The PDF renderer runs as pure Python.")
        return 0
    try:
        done = compile_all()
    except NotCompiled as why:
        print(f"The PDF renderer was left as pure Python: {why}.", file=sys.stderr)
        return 1 if mode == "required" else 0
    print(f"Compiled {', '.join(p.name for p in done)}." if done else "The PDF renderer is already compiled.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
