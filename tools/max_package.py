"""Assembles the Max package `semantic` and checks its patchers.

    python -m tools.max_package OUT BUNDLE [BUNDLE ...]

OUT (dist/max/semantic with `make package`) gets the package's own files from
package/max/ (package-info.json, init/, help/, patchers/, docs/), the jsui script in
javascript/, the externals built on macOS and Windows (dist/max-externals/, from
`cmake -DSEMANTIC_MAX=ON` or the CI workflow), and in bundles/ the files of each BUNDLE
that playing needs (manifest, generator, surrogate, grids). Every patcher is then checked
against the bundles it names (tools.maxpat); any problem fails the command.
"""
import shutil
import sys
from pathlib import Path

from engine import bundle as bundle_mod

from . import maxpat

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "package" / "max"
EXTERNALS = ROOT / "dist" / "max-externals"
PLAYING = ("manifest.json", "generator.ts", "surrogate.ts", "grids.json")


def assemble(out: Path, bundles) -> list:
    """Writes the package into `out` (replacing it); returns the patchers' problems."""
    for b in bundles:
        bundle_mod.load(b)  # a broken bundle stops here, with the loader's own message
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(SOURCE, out)
    (out / "javascript").mkdir()
    shutil.copy2(maxpat.HEATMAP_SCRIPT, out / "javascript")
    (out / "externals").mkdir()
    for ext in sorted(EXTERNALS.glob("semantic~.*")) if EXTERNALS.is_dir() else []:
        (shutil.copytree if ext.is_dir() else shutil.copy2)(ext, out / "externals" / ext.name)
    for b in map(Path, bundles):
        dest = out / "bundles" / b.name
        dest.mkdir(parents=True)
        for name in PLAYING:
            shutil.copy2(b / name, dest / name)
    patchers = sorted(out.rglob("*.maxpat")) + sorted(out.rglob("*.maxhelp"))
    return [q for p in patchers for q in maxpat.check_file(p, require_bundles=True)]


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 2:
        print("usage: python -m tools.max_package OUT BUNDLE [BUNDLE ...]", file=sys.stderr)
        return 2
    try:
        problems = assemble(Path(argv[0]), argv[1:])
    except bundle_mod.BundleError as e:
        print(f"max_package: {e}", file=sys.stderr)
        return 1
    for q in problems:
        print(q, file=sys.stderr)
    externals = sorted(p.name for p in (Path(argv[0]) / "externals").iterdir())
    print(f"{argv[0]}: package assembled; externals: {', '.join(externals) or 'none (built on macOS/Windows)'}; "
          f"{len(problems)} patcher problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
