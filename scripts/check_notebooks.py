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
  {"quote": "PROSE", "output": "OUT"}
                                a number the prose quotes from the run: the regular
                                expression PROSE matches a markdown cell, its group 1 a
                                number; OUT matches the outputs, its group 1 the number the
                                run printed; the two agree at the prose's precision (0.06
                                quotes 0.0638; a Go duration, 5m57s, counts in seconds).
                                Optional: "minus": "OUT2" (the quote is OUT - OUT2),
                                "scale": 100 (a percentage; 1/60, seconds as minutes),
                                "relative": 0.25 (a time: within 25% of the run's, since
                                the load moves it), "in": "NAME.ipynb" (the outputs of
                                another chapter, committed beside this one). Checked on
                                the committed notebooks only (a quick run prints other
                                numbers).
  "full_only": true             (on any check) skip it when FASHION_QUICK=1
  "why": "..."                  (on any check) shown when the check fails

  check_notebooks.py render SOURCE EXECUTED SECONDS
      Writes EXECUTED's outputs into SOURCE (scripts/run-notebooks.sh --render): the
      cells' sources and metadata stay SOURCE's; outputs lose what changes from run to run
      without telling the reader anything (execution timestamps, transient display ids,
      the checkout's absolute path); consecutive chunks of one stream become one output;
      the notebook's metadata gets a mark, "fashion_gomlx": {"rendered": {...}}, with a
      SHA-256 of every code cell's source as it ran, the commit and the time it took.
  check_notebooks.py current SPEC NOTEBOOK... [--executed DIR]
      Checks that the committed NOTEBOOKs carry the outputs of a full run of their own
      cells: the render mark (a full run, FASHION_QUICK=0) with the SHA-256 of each code
      cell's source equal to the cell's source now; no error, no failed program, no
      quick-mode output; every check of SPEC, the full-only ones and the quotes included.
      With --executed, also compares each NOTEBOOK with DIR/NOTEBOOK (the quick run of the
      same cells): cell by cell, the same kinds of output (stdout, stderr, image, markdown,
      html, ...).
"""
import datetime
import hashlib
import html
import json
import os
import re
import subprocess
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


def notebook_text(nb):
    """All the text a reader sees in the notebook's outputs, one output after another."""
    return "\n".join(text for _, cell in code_cells(nb) for output in merged_streams(cell.get("outputs", []))
                     for text in output_texts(output))


def check_nb(nb, checks, full=None, path=None, quotes=False):
    """Returns the failures of one executed notebook (parsed JSON), as lines.

    full says whether the outputs come from a full run: then the full-only checks apply.
    None: a full run unless FASHION_QUICK=1. quotes: check the quotes too (the committed
    notebooks only: a run that changed a number must still be rendered, and the prose then
    fixed). path is the notebook's file, where a quote of another notebook's outputs ("in")
    finds that notebook."""
    if full is None:
        full = not quick()
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
        if check.get("full_only") and not full:
            continue
        why = (" (%s)" % check["why"]) if check.get("why") else ""
        if "quote" in check:
            if quotes:
                failures.extend(f + why for f in check_quote(nb, check, alltext, path))
        elif "cell_contains" in check:
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


def markdown_texts(nb):
    return [(i, joined(c.get("source"))) for i, c in enumerate(nb.get("cells", []))
            if c.get("cell_type") == "markdown"]


# A duration as Go prints it (time.Duration's String): 1h2m3.5s, 5m57s, 8.6s.
GO_DURATION = re.compile(r"(?:(\d+)h)?(?:(\d+)m(?!s))?(?:([0-9.]+)s)?")


def output_number(pattern, alltext):
    """Group 1 of the first match of pattern in the outputs, as a float, or an error."""
    m = re.search(pattern, alltext, flags=re.M)
    if not m:
        return None, "no output matches /%s/" % pattern
    try:
        number = m.group(1).replace(",", "").rstrip(".")
        duration = GO_DURATION.fullmatch(number)
        if duration and not re.fullmatch(r"[0-9.]+", number):
            h, mi, sec = (float(g or 0) for g in duration.groups())
            return h * 3600 + mi * 60 + sec, None
        return float(number), None
    except (IndexError, ValueError):
        return None, "/%s/ captures no number in %r" % (pattern, m.group(0))


def check_quote(nb, check, alltext, path=None):
    """The failures of one quote check: the number the prose quotes against the run's."""
    prose = check["quote"]
    if "in" in check:  # A number another chapter's run printed.
        other = os.path.join(os.path.dirname(path or ""), check["in"])
        try:
            alltext = notebook_text(load(other))
        except (OSError, ValueError) as e:
            return ["cannot read %s for the quote /%s/: %s" % (other, prose, e)]
    found = None
    for _, text in markdown_texts(nb):
        found = re.search(prose, text, flags=re.M)
        if found:
            break
    if not found:
        return ["no markdown cell matches /%s/ (the prose's quote moved? update the spec)" % prose]
    quoted = found.group(1).replace(",", "")
    value, err = output_number(check["output"], alltext)
    if err:
        return [err + " (the quote %r has nothing to match)" % found.group(0)]
    if "minus" in check:
        other, err = output_number(check["minus"], alltext)
        if err:
            return [err]
        value -= other
    value *= check.get("scale", 1)
    decimals = len(quoted.split(".")[1]) if "." in quoted else 0
    allowed = 0.5 * 10 ** -decimals + 1e-9
    if "relative" in check:  # Times: the machine's load moves them from run to run.
        allowed = max(allowed, check["relative"] * abs(value))
    if abs(float(quoted) - value) > allowed:
        return ["the prose says %r but the run printed %.*f (%g): fix the prose, or re-render"
                % (found.group(0), decimals, value, value)]
    return []


# The render mark: where scripts/run-notebooks.sh --render records how the outputs were made.
MARK = "fashion_gomlx"
# What quick mode prints (tutorial.Shorten, OverfitRecipe) or loads (a briefly trained model).
QUICK_OUTPUT = re.compile(r"FASHION_QUICK=1:|trained \d+ epochs on 5000 images\)")


def source_hash(cell):
    return hashlib.sha256(joined(cell.get("source")).encode("utf-8")).hexdigest()[:16]


# The line quick mode adds to a cell's output (tutorial.Shorten, OverfitRecipe): in a cell
# that prints nothing else, the only stdout of the quick run.
QUICK_NOTICE = re.compile(r"^FASHION_QUICK=1: .*\n?", flags=re.M)


def output_kinds(cell, quick_run=False):
    """The kinds of output a code cell shows, as a sorted list: stdout, stderr, error, image
    (PNG or SVG), and the other MIME types of display data. For a quick run, the lines that
    say it is one do not count."""
    kinds = set()
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            text = joined(output.get("text"))
            if quick_run:
                text = QUICK_NOTICE.sub("", ANSI.sub("", text))
            if text.strip():
                kinds.add(output.get("name", "stream"))
        elif kind == "error":
            kinds.add("error")
        else:
            for mime in output.get("data", {}):
                kinds.add("image" if mime in IMAGE_MIMES else mime)
    return sorted(kinds)


def clean_text(text, replacements):
    for old, new in replacements:
        text = text.replace(old, new)
    return text


def lines(text):
    """Text as nbformat stores it on disk: a list of lines, so that a diff shows lines."""
    return text.splitlines(keepends=True)


def clean_data(mime, value, replacements):
    """Text (SVG included) as lines without the volatile paths; a PNG's base64 as one string."""
    if mime.startswith("text/") or mime == "image/svg+xml":
        return lines(clean_text(joined(value), replacements))
    if mime == "image/png":
        return joined(value).replace("\n", "")
    return value


def clean_output(output, replacements):
    """One output without what changes from run to run and tells the reader nothing."""
    out = {}
    for key in sorted(output):
        value = output[key]
        if key == "transient":
            continue  # Display ids: a fresh one each run.
        if key == "text":
            value = lines(clean_text(joined(value), replacements))
        elif key == "data":
            value = {mime: clean_data(mime, v, replacements) for mime, v in sorted(value.items())}
        out[key] = value
    return out


def git(*args):
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def cmd_render(source_path, executed_path, seconds):
    """Writes the executed notebook's outputs into the source notebook (see the usage)."""
    src, ran = load(source_path), load(executed_path)
    cells, done = src.get("cells", []), ran.get("cells", [])
    # The markdown may have changed since the run (it makes no output); the code may not.
    def shape(cs):
        return [(c.get("cell_type"), joined(c.get("source")) if c.get("cell_type") == "code" else "")
                for c in cs]
    if shape(cells) != shape(done):
        print("%s: %s and %s hold different code cells: not rendered" % (PROG, source_path, executed_path))
        return 1
    root = os.path.abspath(os.path.join(os.path.dirname(source_path), ".."))
    # The checkout (the notebooks' parent folder; the current one, where the script runs).
    replacements = [(path, "/path/to/fashion-gomlx") for path in
                    dict.fromkeys([os.path.realpath(root), root, os.path.realpath(os.getcwd())])
                    if path not in ("", "/")]
    home = os.path.expanduser("~")
    if home not in ("", "/"):
        replacements.append((home + "/", "~/"))
    for cell, run in zip(cells, done):
        if cell.get("cell_type") != "code":
            continue
        cell.get("metadata", {}).pop("execution", None)
        cell["execution_count"] = run.get("execution_count")
        cell["outputs"] = [clean_output(o, replacements) for o in merged_streams(run.get("outputs", []))]
    commit = git("rev-parse", "--short=12", "HEAD")
    # Whether the code that ran differs from the commit: the notebooks themselves aside,
    # since rendering is what changes them.
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!notebooks/*.ipynb")
    src.setdefault("metadata", {})[MARK] = {"rendered": {
        "by": "scripts/run-notebooks.sh --render",
        "environment": "FASHION_QUICK=0 FASHION_NO_PAGE=1",
        "commit": commit + ("+uncommitted changes" if dirty else ""),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "seconds": int(seconds),
        "code_sha256": [source_hash(c) for c in cells if c.get("cell_type") == "code"],
    }}
    with open(source_path, "w", encoding="utf-8") as f:
        f.write(json.dumps(src, indent=1, ensure_ascii=False) + "\n")
    print("%s: rendered %s (%d code cells, %ds)" % (PROG, source_path, len(code_cells(src)), int(seconds)))
    return 0


def check_current(nb, checks, quick_nb=None, path=None):
    """The failures of a committed notebook whose outputs should be a full run's of its cells."""
    fix = " (re-render: scripts/run-notebooks.sh --render NOTEBOOK)"
    mark = (nb.get("metadata", {}).get(MARK) or {}).get("rendered")
    if not isinstance(mark, dict):
        return ["no render mark: its outputs are not those of scripts/run-notebooks.sh --render" + fix]
    failures = []
    if mark.get("environment", "").split()[:1] != ["FASHION_QUICK=0"]:
        failures.append("rendered with %r, not a full run%s" % (mark.get("environment"), fix))
    hashes = mark.get("code_sha256") or []
    codes = code_cells(nb)
    if len(hashes) != len(codes):
        failures.append("rendered with %d code cells, it has %d now%s" % (len(hashes), len(codes), fix))
    else:
        for (index, cell), want in zip(codes, hashes):
            if source_hash(cell) != want:
                failures.append("%s changed since its outputs were made%s" % (describe_cell(nb, index), fix))
    for index, cell in codes:
        for output in cell.get("outputs", []):
            for text in output_texts(output):
                m = QUICK_OUTPUT.search(text)
                if m:
                    failures.append("%s shows quick-mode output %r%s" % (describe_cell(nb, index), m.group(0), fix))
    failures.extend(check_nb(nb, checks, full=True, path=path, quotes=True))
    if quick_nb is not None:
        quick_codes = code_cells(quick_nb)
        if len(quick_codes) != len(codes):
            failures.append("the quick run has %d code cells, the committed notebook %d" % (len(quick_codes), len(codes)))
        else:
            for (index, cell), (_, ran) in zip(codes, quick_codes):
                have, want = output_kinds(cell), output_kinds(ran, quick_run=True)
                if have != want:
                    failures.append("%s shows %s, the quick run of the same cell %s%s" % (
                        describe_cell(nb, index), "+".join(have) or "nothing", "+".join(want) or "nothing", fix))
    return failures


def cmd_current(spec_path, notebooks, executed_dir):
    spec = load(spec_path)
    bad = 0
    for path in notebooks:
        name = os.path.basename(path)
        quick_nb = None
        if executed_dir:
            ran = os.path.join(executed_dir, name)
            if os.path.exists(ran):
                quick_nb = load(ran)
        failures = check_current(load(path), spec.get(name, []), quick_nb, path)
        if failures:
            bad += 1
            for f in failures:
                print("%s: STALE %s: %s" % (PROG, name, f))
        else:
            quotes = sum(1 for c in spec.get(name, []) if "quote" in c)
            print("%s: current %s (a full run of its cells%s%s)" % (PROG, name,
                  ", %d quoted number(s) match" % quotes if quotes else "",
                  ", output kinds as in the quick run" if quick_nb is not None else ""))
    return 1 if bad else 0


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
    if len(argv) == 5 and argv[1] == "render":
        return cmd_render(argv[2], argv[3], float(argv[4]))
    if len(argv) >= 4 and argv[1] == "current":
        args, executed_dir = argv[3:], None
        if "--executed" in args:
            i = args.index("--executed")
            if i + 1 >= len(args):
                print("%s: --executed needs a folder" % PROG, file=sys.stderr)
                return 2
            executed_dir = args[i + 1]
            args = args[:i] + args[i + 2:]
        return cmd_current(argv[2], args, executed_dir)
    if len(argv) == 5 and argv[1] == "failure":
        cmd_failure(argv[2], argv[3], argv[4])
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
