"""The descriptor table of docs/descriptors.md, written from the descriptors' own metadata
(`meaning`, `unit`, `reference`) and what bench/descriptors_vs_reference.py measured
(`validation.json`), so that the text lives once, beside the code:

    python -m engine.descriptors.docs           # rewrites the table in docs/descriptors.md
    python -m engine.descriptors.docs --check   # exit 1 if it is out of date
"""
import argparse
import sys
from pathlib import Path

from . import DEFAULT, REGISTRY, checked

DOC = Path(__file__).resolve().parents[2] / "docs" / "descriptors.md"
BEGIN, END = "<!-- descriptor table: written by python -m engine.descriptors.docs -->", "<!-- end of table -->"


def table(names=DEFAULT) -> str:
    rows = ["| name | unit | what it measures | how, after which standard or model | against an independent "
            "implementation (Pearson r, docs/benchmarks.md) |", "|---|---|---|---|---|"]
    for d in (REGISTRY[n] for n in names):
        rows.append(f"| `{d.name}` | {d.unit} | {d.meaning} | {d.reference} | {checked(d.name)} |".replace("\n", " "))
    return "\n".join(rows)


def written(text: str) -> str:
    """`text` (the document) with its table replaced by the current one."""
    if BEGIN not in text or END not in text:
        raise ValueError(f"{DOC} has lost its table markers; expected {BEGIN!r} ... {END!r}")
    head, rest = text.split(BEGIN, 1)
    return f"{head}{BEGIN}\n\n{table()}\n\n{END}{rest.split(END, 1)[1]}"  # blank lines: a table, not HTML


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="only say whether the table is up to date")
    args = p.parse_args(argv)
    text = DOC.read_text()
    new = written(text)
    if args.check:
        if new != text:
            sys.exit(f"{DOC} is out of date: run python -m engine.descriptors.docs")
        return
    DOC.write_text(new)


if __name__ == "__main__":
    main()
