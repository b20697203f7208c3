# nbconvert configuration used by scripts/run-notebooks.sh and docker/smoke-test.sh
# (jupyter nbconvert --config scripts/nbconvert_config.py ...).
#
# 1. GoNB reports compile errors as cell errors, but when a cell's program panics or
#    exits with a non-zero status it only writes "exit status N" to the cell's stderr
#    and reports success. on_cell_executed turns that into a cell error, so a panic
#    stops the run as any error does.
# 2. nbconvert stops at the first failing cell and writes no notebook: the failing cell
#    (source and outputs: compiler messages, the program's stderr) and the error are
#    saved to $FASHION_NB_FAILURE, for scripts/check_notebooks.py to report.
import json
import os
import re

from nbclient.exceptions import CellExecutionError

# What GoNB writes on stderr when the cell's program fails (Go's exec.ExitError text).
_PROGRAM_FAILED = re.compile(r"^(exit status \d+|signal: [\w ]+)$")


def _save(cell, cell_index, ename, evalue):
    path = os.environ.get("FASHION_NB_FAILURE")
    if not path:
        return
    with open(path, "w") as f:
        json.dump({"cell_index": cell_index, "cell": cell, "ename": ename, "evalue": evalue},
                  f, default=str)


def _stderr_last_line(cell):
    text = "".join(
        "".join(o["text"]) if isinstance(o.get("text"), list) else o.get("text", "")
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stderr")
    lines = text.rstrip("\n").split("\n")
    return lines[-1] if lines else ""


def _check_program_exit(cell=None, cell_index=None, execute_reply=None, **_):
    if (execute_reply or {}).get("content", {}).get("status") == "error":
        return  # A cell error: reported by _record_failure.
    last = _stderr_last_line(cell or {})
    if _PROGRAM_FAILED.match(last):
        ename, evalue = "ProgramFailed", "the cell's program failed: " + last
        _save(cell, cell_index, ename, evalue)
        raise CellExecutionError.from_cell_and_msg(
            cell, {"ename": ename, "evalue": evalue, "traceback": [evalue]})


def _record_failure(cell=None, cell_index=None, execute_reply=None, **_):
    content = (execute_reply or {}).get("content", {})
    _save(cell, cell_index, content.get("ename", ""), content.get("evalue", ""))


c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
c.ExecutePreprocessor.on_cell_executed = _check_program_exit
c.ExecutePreprocessor.on_cell_error = _record_failure
