"""A stub of the Max API for link-checking the Max external on Linux.

    python -m tools.max_stub MAX_SDK_BASE_DIR OUT.so

Max resolves its API when it loads an external, so a plain Linux link of the front end
accepts any misspelt or missing symbol. This reads the function names the SDK's Windows
import libraries export (MaxAPI.lib, MaxAudio.lib, jitlib.lib; `nm` reads them), writes
an empty C function for each and builds a shared library of them: linking the external
against it with -Wl,--no-undefined fails on any symbol the real Max does not have.
Local only (it needs a checkout of max-sdk-base); docs/max.md has the commands.
"""
import subprocess
import sys
import tempfile
from pathlib import Path

LIBS = ["max-includes/x64/MaxAPI.lib", "msp-includes/x64/MaxAudio.lib", "jit-includes/x64/jitlib.lib"]


def exported(lib: Path) -> set:
    """Names a Windows import library exports (its __imp_ entries)."""
    out = subprocess.run(["nm", str(lib)], capture_output=True, text=True, check=True).stdout
    return {line.split()[-1][len("__imp_"):] for line in out.splitlines() if " __imp_" in line}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    sdk, out = Path(argv[0]) / "c74support", Path(argv[1])
    names = set()
    for lib in LIBS:
        if not (sdk / lib).is_file():
            print(f"max_stub: {sdk / lib} is missing: expected a checkout of max-sdk-base", file=sys.stderr)
            return 1
        names |= exported(sdk / lib)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "maxstub.c"
        source.write_text("".join(f"void {n}(void) {{}}\n" for n in sorted(names)))
        subprocess.run(["cc", "-shared", "-fPIC", "-fno-builtin", "-w", "-o", str(out), str(source)], check=True)
    print(f"{out}: {len(names)} Max API symbols")
    return 0


if __name__ == "__main__":
    sys.exit(main())
