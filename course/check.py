#!/usr/bin/env python3
"""Autogrades the course edition with nbgrader, as a teacher would, on three learners' copies.

  course/run.sh [CHAPTER...]            (default: 02_perceptron 06_visualise_and_preprocess)

In a course folder of its own (a temporary one, or --course DIR), for each CHAPTER:
  1. course/build.py writes the source version (solutions, hidden tests);
  2. `nbgrader generate_assignment` makes the version learners get: each solution region
     replaced by nbgrader_config.py's Go stub, the hidden tests removed;
  3. three learners hand it in: "unsolved" as they got it, "solved" with each stub replaced
     by the solution (as a learner who found it would write it), "wrong" with each stub
     replaced by course/solutions/CheckXxx.wrong.gonb (a plausible mistake);
  4. `nbgrader autograde` runs the three copies on the Go kernel (GoNB), each with the
     hidden tests back in, and scores them.
Each test cell must then score its full point for "solved" and 0 for "unsolved" and
"wrong"; and the released version must hold neither a solution nor a hidden test.
Exits 1 with one line per failed check.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROG = "course-check"
STUB = "panic(\"no answer yet"
failed = []


def check(ok, what):
    print("%s: %s%s" % (PROG, "ok: " if ok else "FAILED: ", what), flush=True)
    if not ok:
        failed.append(what)
    return ok


def nbgrader(course, *args):
    cmd = [os.path.join(os.path.dirname(sys.executable), "nbgrader")] + list(args)
    r = subprocess.run(cmd, cwd=course, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("%s: %s failed:\n%s" % (PROG, " ".join(cmd[1:3]), (r.stdout + r.stderr)[-3000:]))
    return r.stdout + r.stderr


def region(source):
    """The lines of a source cell's solution region, markers left out."""
    lines = source.split("\n")
    begin = next(i for i, l in enumerate(lines) if "BEGIN SOLUTION" in l)
    end = next(i for i, l in enumerate(lines) if "END SOLUTION" in l)
    return lines[begin + 1:end]


def answered(released, answer_lines):
    """The released cell with its stub (the two lines nbgrader put in) replaced."""
    lines = released.split("\n")
    at = next(i for i, l in enumerate(lines) if STUB in l)
    return "\n".join(lines[:at - 1] + answer_lines + lines[at + 1:])


def joined(v):
    return "".join(v) if isinstance(v, list) else v


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("chapters", nargs="*", default=["02_perceptron", "06_visualise_and_preprocess"])
    p.add_argument("--course", help="the course folder (default: a temporary one, removed)")
    args = p.parse_args()
    course = args.course or tempfile.mkdtemp(prefix="course.")
    try:
        subprocess.run([sys.executable, os.path.join(HERE, "build.py"), "--out", course, "--strict"]
                       + args.chapters, check=True)
        for chapter in args.chapters:
            grade(course, chapter)
    finally:
        if not args.course:
            shutil.rmtree(course, ignore_errors=True)
    print("%s: %d checks failed" % (PROG, len(failed)))
    return 1 if failed else 0


def grade(course, chapter):
    nbgrader(course, "generate_assignment", chapter, "--force")
    name = chapter + ".ipynb"
    with open(os.path.join(course, "source", chapter, name)) as f:
        source = json.load(f)
    with open(os.path.join(course, "release", chapter, name)) as f:
        released = json.load(f)
    src = {c["id"]: joined(c["source"]) for c in source["cells"]}
    answers = [c for c in released["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    tests = [c for c in released["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    text = json.dumps(released)
    check(answers and len(answers) == len(tests) and all(STUB in joined(c["source"]) for c in answers)
          and "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
          and not any(l for c in answers for l in region(src[c["id"]]) if l.strip() and l in joined(c["source"])),
          "%s: the released version has %d answer cells, each with the Go stub in place of the "
          "solution, and %d test cells without their hidden tests" % (chapter, len(answers), len(tests)))
    for student in ("unsolved", "solved", "wrong"):
        nb = json.loads(json.dumps(released))
        for cell in nb["cells"]:
            if cell.get("id") not in [a["id"] for a in answers] or student == "unsolved":
                continue
            check_name = re.search(r"tutorial\.(Check\w+)\(", src[cell["id"]]).group(1)
            if student == "solved":
                lines = region(src[cell["id"]])
            else:
                with open(os.path.join(HERE, "solutions", check_name + ".wrong.gonb")) as f:
                    lines = f.read().rstrip("\n").split("\n")
            cell["source"] = answered(joined(cell["source"]), lines)
        folder = os.path.join(course, "submitted", student, chapter)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, name), "w") as f:
            json.dump(nb, f, indent=1)
    nbgrader(course, "autograde", chapter, "--force")
    from nbgrader.api import Gradebook
    with Gradebook("sqlite:///" + os.path.join(course, "gradebook.db")) as gb:
        for student, want in (("solved", "all"), ("unsolved", 0), ("wrong", 0)):
            sub = gb.find_submission_notebook(chapter, chapter, student)
            scores = {g.cell.name: g.score for g in sub.grades if g.cell.max_score}
            full = all(g.score == g.max_score for g in sub.grades if g.max_score)
            ok = full if want == "all" else all(s == 0 for s in scores.values())
            check(ok and scores, "%s: %s copy scored %s (%s)" % (
                chapter, student, scores, "every point" if want == "all" else "nothing, as it must"))
            if student == "wrong":
                with open(os.path.join(course, "autograded", student, chapter, name)) as f:
                    graded = json.load(f)
                said = [t for c in graded["cells"] if c.get("id") in scores
                        for o in c.get("outputs", []) for t in [joined(o.get("text", ""))] if "Not yet" in t
                        or "not right yet" in t]
                check(bool(said), "%s: the wrong copy's test output says why: %r" % (
                    chapter, said[0].strip().split("\n")[0][:120] if said else None))


if __name__ == "__main__":
    sys.exit(main())
