#!/usr/bin/env python3
"""Builds the course edition of the chapters for nbgrader: the source version a teacher
gives to `nbgrader generate_assignment` (docs/teachers.md, "Grading the exercises").

  course/build.py --out COURSE_DIR [--notebooks DIR] [--strict] [CHAPTER...]

An exercise is a code cell that calls a check of the tutorial package, tutorial.CheckXxx(...).
Where course/solutions/CheckXxx.gonb solves it, the course edition replaces that cell with two:
  - the answer cell (nbgrader's "autograded answer"): the solution file as it is, a cell a
    learner completes; its lines between "// ### BEGIN SOLUTION" and "// ### END SOLUTION"
    are what generate_assignment replaces with the Go stub of nbgrader_config.py (a panic:
    "no answer yet"), so the answer goes where a function body or statement would;
  - the test cell (nbgrader's "autograder tests", locked, 1 point): the answer cell's own
    checks, each `tutorial.CheckXxx(...)` line of its %% body turned into a panic when the
    check says no, all of it between "// ### BEGIN HIDDEN TESTS" and "// ### END HIDDEN
    TESTS", so the learner does not see it and nbgrader scores the cell 0 when the answer
    is wrong or missing (a panic writes to stderr) and 1 when every check passes.
The other cells stay as they are (an exercise without a solution file stays a practice
cell, and is listed). Each chapter with a solved exercise is an assignment of its own,
COURSE_DIR/source/<chapter>/<chapter>.ipynb, with the chapter's pictures; COURSE_DIR gets
course/nbgrader_config.py too.

CHAPTER is a notebook's name without .ipynb (default: every chapter with a solved exercise).
--strict fails when a solution file solves no exercise of the notebooks (a check renamed or
removed). course/solutions/CheckXxx.wrong.gonb, a wrong answer for the solution's region,
is for course/check.py.
"""
import argparse
import glob
import json
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROG = "course-build"
CHECK_CALL = re.compile(r"\btutorial\.(Check\w+)\(")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def joined(value):
    return "".join(value) if isinstance(value, list) else (value or "")


def source_lines(text):
    """A cell's source as Jupyter stores it: lines that keep their newline."""
    return text.splitlines(keepends=True)


def solutions(folder):
    """{check name: solution text} of the solution files."""
    found = {}
    for path in sorted(glob.glob(os.path.join(folder, "Check*.gonb"))):
        name = os.path.basename(path)[:-len(".gonb")]
        if "." not in name:
            with open(path) as f:
                found[name] = f.read().rstrip("\n")
    return found


def hidden_test(answer):
    """The test cell's source: the answer cell's checks, each failing with a panic."""
    body = answer.split("\n%%\n", 1)
    if len(body) != 2:
        raise ValueError("the solution has no %% body with its checks")
    lines = []
    for line in body[1].splitlines():
        m = re.match(r"^(\s*)(tutorial\.Check\w+\(.*\))\s*(//.*)?$", line)
        if m:
            lines += ["%sif !%s {" % (m.group(1), m.group(2)),
                      '%s\tpanic("the answer is not right yet: the check above says why")' % m.group(1),
                      "%s}" % m.group(1)]
        elif not re.match(r"^\s*tutorial\.Show\w+\(", line):  # Pictures: not for grading.
            lines.append(line)
    if not any(line.lstrip().startswith("if !tutorial.Check") for line in lines):
        raise ValueError("the solution's %% body calls no tutorial.CheckXxx on a line of its own")
    return "\n".join(["%%", "// The teacher's tests of the answer above run here when it is graded.",
                      "// ### BEGIN HIDDEN TESTS"] + lines + ["// ### END HIDDEN TESTS"])


def nbgrader_meta(grade_id, solution, grade, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": grade, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def course_notebook(nb, solved):
    """The chapter's course edition, its solved checks, and the exercises left as practice."""
    cells, graded, practice = [], [], []
    for cell in nb["cells"]:
        checks = CHECK_CALL.findall(joined(cell.get("source"))) if cell["cell_type"] == "code" else []
        names = [c for c in checks if c in solved]
        if not names:
            practice += checks
            cells.append(cell)
            continue
        if len(set(names)) > 1:
            raise ValueError("cell %s calls several solved checks: %s" % (cell.get("id"), names))
        name, cid = names[0], cell.get("id") or names[0]
        answer = solved[name]
        if BEGIN not in answer or END not in answer:
            raise ValueError("course/solutions/%s.gonb has no %s ... %s region" % (name, BEGIN, END))
        cells.append({"cell_type": "code", "execution_count": None, "id": cid + "-answer",
                      "metadata": nbgrader_meta(cid + "-answer", True, False), "outputs": [],
                      "source": source_lines(answer)})
        cells.append({"cell_type": "code", "execution_count": None, "id": cid + "-test",
                      "metadata": nbgrader_meta(cid + "-test", False, True, 1), "outputs": [],
                      "source": source_lines(hidden_test(answer))})
        graded.append(name)
    out = dict(nb, cells=cells)
    out["metadata"] = {k: v for k, v in nb["metadata"].items() if k in ("kernelspec", "language_info")}
    return out, graded, practice


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True, help="the nbgrader course folder to write")
    p.add_argument("--notebooks", default=os.path.join(ROOT, "notebooks"))
    p.add_argument("--solutions", default=os.path.join(HERE, "solutions"))
    p.add_argument("--strict", action="store_true", help="fail on a solution that solves no exercise")
    p.add_argument("chapters", nargs="*")
    args = p.parse_args()
    solved = solutions(args.solutions)
    if not solved:
        sys.exit("%s: no solution files in %s" % (PROG, args.solutions))
    used, built = set(), []
    for path in sorted(glob.glob(os.path.join(args.notebooks, "*.ipynb"))):
        chapter = os.path.basename(path)[:-len(".ipynb")]
        with open(path) as f:
            nb = json.load(f)
        try:
            out, graded, practice = course_notebook(nb, solved)
        except ValueError as e:
            sys.exit("%s: %s: %s" % (PROG, chapter, e))
        used.update(graded)
        if not graded or (args.chapters and chapter not in args.chapters):
            continue
        folder = os.path.join(args.out, "source", chapter)
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        with open(os.path.join(folder, chapter + ".ipynb"), "w") as f:
            f.write(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
        pictures = os.path.join(args.notebooks, "pictures")
        if os.path.isdir(pictures) and "pictures/" in json.dumps(nb):
            shutil.copytree(pictures, os.path.join(folder, "pictures"))
        built.append(chapter)
        print("%s: source/%s/%s.ipynb: graded %s%s" % (
            PROG, chapter, chapter, ", ".join(graded),
            "; practice only (no solution file): " + ", ".join(practice) if practice else ""))
    unknown = sorted(set(args.chapters) - set(built))
    if unknown:
        sys.exit("%s: no solved exercise in %s" % (PROG, ", ".join(unknown)))
    stale = sorted(set(solved) - used)
    if stale:
        msg = "%s: solution files that solve no exercise of %s (a check renamed or removed?): %s" % (
            PROG, args.notebooks, ", ".join("course/solutions/%s.gonb" % s for s in stale))
        if args.strict:
            sys.exit(msg)
        print(msg, file=sys.stderr)
    shutil.copy(os.path.join(HERE, "nbgrader_config.py"), os.path.join(args.out, "nbgrader_config.py"))
    print("%s: %d assignments in %s" % (PROG, len(built), os.path.join(args.out, "source")))


if __name__ == "__main__":
    main()
