#!/usr/bin/env python3
"""Checks executed notebooks against notebooks/expected.json; reports failed runs.

Python standard library only. Used by scripts/run-notebooks.sh and docker/smoke-test.sh.

  check_notebooks.py check SPEC EXECUTED.ipynb...
      Fails when a notebook holds an error output or a cell whose program failed (GoNB
      then ends the cell's stderr with "exit status N"), or misses an expected output.
  check_notebooks.py failure NOTEBOOK FAILURE_JSON NBCONVERT_LOG
      Explains why nbconvert failed on NOTEBOOK: notebook, cell, error, the cell's output.

The spec maps a notebook's file name to a list of checks; every check must hold somewhere
in the notebook's outputs:

  {"cell_contains": "TEXT"}     some output's text (stdout, stderr, text/plain, text/html,
                                text/markdown) contains TEXT
  {"cell_matches": "REGEX"}     some output's text matches the Python regular expression
  {"image": true}               an image/png or image/svg+xml output; an integer N asks for
                                at least N of them
  "full_only": true             (on any check) skip it when FASHION_QUICK=1
  "why": "..."                  (on any check) shown when the check fails
"""
import html
import json
import os
import re
import sys

PROG = "check-notebooks"
TEXT_MIMES = ("text/plain", "text/html", "text/markdown")
IMAGE_MIMES = ("image/png", "image/svg+xml")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# What GoNB writes on a cell's stderr when the cell's program panics or exits non-zero.
PROGRAM_FAILED = re.compile(r"^(exit status \d+|signal: [\w ]+)$")


def joined(value):
    return "".join(value) if isinstance(value, list) else (value or "")


def html_to_text(text):
    text = re.sub(r"<(style|script)\b.*?</\1>", "", text, flags=re.S | re.I)
    text = re.sub(r"<br\s*/?>|</(p|div|pre|tr|li)>", "\n", text, flags=re.I)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line.strip())


def output_texts(output):
    """The texts a reader sees in one output."""
    kind = output.get("output_type")
    if kind == "stream":
        yield ANSI.sub("", joined(output.get("text")))
    elif kind == "error":
        yield "%s: %s" % (output.get("ename", ""), output.get("evalue", ""))
        for line in output.get("traceback", []):
            yield ANSI.sub("", line)
    elif kind in ("display_data", "execute_result", "update_display_data"):
        data = output.get("data", {})
        for mime in TEXT_MIMES:
            if mime in data:
                text = joined(data[mime])
                yield html_to_text(text) if mime == "text/html" else text


def merged_streams(outputs):
    """The outputs with consecutive chunks of one stream joined, as a reader sees them:
    a kernel may send one program's prints as one stream output or as several."""
    merged = []
    for output in outputs:
        prev = merged[-1] if merged else None
        if (output.get("output_type") == "stream" and prev is not None
                and prev.get("output_type") == "stream" and prev.get("name") == output.get("name")):
            merged[-1] = dict(prev, text=joined(prev.get("text")) + joined(output.get("text")))
        else:
            merged.append(output)
    return merged


def code_cells(nb):
    return [(i, c) for i, c in enumerate(nb.get("cells", [])) if c.get("cell_type") == "code"]


def describe_cell(nb, index):
    """'cell 5 of 7 (code cell 3, starting "import (")', positions counted from 1."""
    cells = nb.get("cells", [])
    codes = [i for i, _ in code_cells(nb)]
    src = joined(cells[index].get("source")) if 0 <= index < len(cells) else ""
    first = next((line.strip() for line in src.splitlines() if line.strip()), "")
    if len(first) > 60:
        first = first[:57] + "..."
    where = "cell %d of %d" % (index + 1, len(cells))
    if index in codes:
        where += " (code cell %d" % (codes.index(index) + 1)
        where += ', starting "%s")' % first if first else ")"
    return where


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def quick():
    return os.environ.get("FASHION_QUICK", "") == "1"


def check_one(path, checks):
    """Returns the failures of one executed notebook file, as lines."""
    return check_nb(load(path), checks)


def check_nb(nb, checks):
    """Returns the failures of one executed notebook (parsed JSON), as lines."""
    failures = []
    texts, images = [], 0
    for index, cell in code_cells(nb):
        for output in merged_streams(cell.get("outputs", [])):
            if output.get("output_type") == "error":
                failures.append("%s raised %s: %s" % (describe_cell(nb, index),
                                output.get("ename", ""), output.get("evalue", "")))
            texts.extend(output_texts(output))
            images += sum(1 for m in IMAGE_MIMES if m in output.get("data", {}))
        stderr = "".join(joined(o.get("text")) for o in cell.get("outputs", [])
                         if o.get("output_type") == "stream" and o.get("name") == "stderr")
        last = stderr.rstrip("\n").split("\n")[-1]
        if PROGRAM_FAILED.match(last):
            failures.append("%s: the cell's program failed: %s" % (describe_cell(nb, index), last))
    alltext = "\n".join(texts)
    for check in checks:
        if check.get("full_only") and quick():
            continue
        why = (" (%s)" % check["why"]) if check.get("why") else ""
        if "cell_contains" in check:
            if check["cell_contains"] not in alltext:
                failures.append("no output contains %r%s" % (check["cell_contains"], why))
        elif "cell_matches" in check:
            if not re.search(check["cell_matches"], alltext, flags=re.M):
                failures.append("no output matches /%s/%s" % (check["cell_matches"], why))
        elif "image" in check:
            want = 1 if check["image"] is True else int(check["image"])
            if images < want:
                failures.append("%d image output(s) (PNG or SVG), want at least %d%s" % (images, want, why))
        else:
            failures.append("unknown check %s in the spec" % json.dumps(check))
    return failures


def cmd_check(spec_path, executed):
    spec = load(spec_path)
    bad = 0
    for path in executed:
        name = os.path.basename(path)
        checks = spec.get(name)
        if checks is None:
            print("%s: warning: %s has no entry in %s; only errors are checked" % (PROG, name, spec_path))
            checks = []
        failures = check_one(path, checks)
        if failures:
            bad += 1
            for f in failures:
                print("%s: FAILED %s: %s" % (PROG, name, f))
        else:
            print("%s: ok %s (%d expected outputs found)" % (PROG, name, len(checks)))
    return 1 if bad else 0


def tail(lines, n):
    return lines if len(lines) <= n else ["[... %d lines ...]" % (len(lines) - n)] + lines[-n:]


def cmd_failure(notebook, failure_path, log_path):
    nb = load(notebook)
    try:
        rec = load(failure_path)
    except (OSError, ValueError):
        rec = None
    if isinstance(rec, dict):
        index = rec.get("cell_index", -1)
        print("run-notebooks: FAILED %s, %s: %s: %s" % (notebook, describe_cell(nb, index),
              rec.get("ename") or "error", rec.get("evalue") or "(no message)"))
        text = ""
        for output in (rec.get("cell") or {}).get("outputs", []):
            if output.get("output_type") == "error":
                continue  # Already on the first line.
            for part in output_texts(output):
                # Streams arrive in pieces: join them; start other outputs on a new line.
                if output.get("output_type") != "stream" and text and not text.endswith("\n"):
                    text += "\n"
                text += part
        lines = [line for line in text.rstrip("\n").splitlines()]
        if lines:
            print("  the cell's output:")
            for line in tail(lines, 40):
                print("  | " + line)
        print("  full log: %s" % log_path)
        return
    # No failing cell recorded: a time-out, a dead kernel or a failure outside the cells.
    try:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            log = f.read()
    except OSError:
        log = ""
    where = "before or between cells"
    # nbclient quotes the cell ("following cell:") or its first lines ("preview of the
    # cell contents:") between dashed lines.
    m = re.search(r"(?:following cell|preview of the cell contents):\n-+\n(.*?)\n-+\n", log, flags=re.S)
    if m:
        quoted = [line.rstrip() for line in m.group(1).strip("\n").splitlines()]
        if quoted and quoted[-1].strip() == "...":
            quoted.pop()
        for index, cell in enumerate(nb.get("cells", [])):
            lines = [line.rstrip() for line in joined(cell.get("source")).strip("\n").splitlines()]
            if quoted and lines[:len(quoted)] == quoted:
                where = describe_cell(nb, index)
                break
    reasons = [line.strip() for line in log.splitlines()
               if re.match(r"\s*(\w+\.)*\w*(Error|Exception|Timeout)\w*:", line)]
    reason = reasons[-1] if reasons else "nbconvert failed (see the log)"
    if "following cell" in reason:  # The error itself ends the log.
        ends = [line.strip() for line in log.splitlines() if line.strip()]
        reason = ends[-1] if ends else reason
    print("run-notebooks: FAILED %s, %s: %s" % (notebook, where, reason))
    print("  full log: %s" % log_path)


def main(argv):
    if len(argv) >= 3 and argv[1] == "check":
        return cmd_check(argv[2], argv[3:])
    if len(argv) == 5 and argv[1] == "failure":
        cmd_failure(argv[2], argv[3], argv[4])
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
