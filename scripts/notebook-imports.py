#!/usr/bin/env python3
"""Prints the Go import paths that the code cells of the given notebooks import, one a
line, sorted, standard library left out (paths whose first element has no dot).

    scripts/notebook-imports.py notebooks/*.ipynb

install-kernel.sh fetches and builds them, so that the kernel (GOPROXY=off) finds every
module a cell needs.
"""
import json
import re
import sys

IMPORT_BLOCK = re.compile(r'^\s*import\s*\(([^)]*)\)', re.M)
IMPORT_LINE = re.compile(r'^\s*import\s+(?:[\w.]+\s+)?"([^"]+)"', re.M)
QUOTED = re.compile(r'"([^"]+)"')


def imports(source):
    """The import paths of one cell's Go source."""
    paths = set(IMPORT_LINE.findall(source))
    for block in IMPORT_BLOCK.findall(source):
        paths.update(QUOTED.findall(block))
    return paths


def main(files):
    paths = set()
    for name in files:
        try:
            with open(name, encoding="utf-8") as f:
                cells = json.load(f)["cells"]
        except (OSError, ValueError, KeyError) as err:
            sys.exit(f"notebook-imports: {name}: {err}")
        for cell in cells:
            if cell.get("cell_type") == "code":
                paths |= imports("".join(cell.get("source", [])))
    for path in sorted(p for p in paths if "." in p.split("/")[0]):
        print(path)


if __name__ == "__main__":
    main(sys.argv[1:])
