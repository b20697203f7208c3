# nbgrader's settings for the course edition of the chapters (course/build.py copies this
# file into the course folder; docs/teachers.md says how to use it).
c = get_config()  # noqa: F821 (nbgrader's configuration loader defines it)

c.CourseDirectory.course_id = "fashion-gomlx"

# The chapters run on the Go kernel (GoNB): nbgrader knows no Go stub of its own. A
# learner's answer goes where the solution region was; until then the cell panics.
c.ClearSolutions.code_stub = {"go": '// YOUR CODE HERE\npanic("no answer yet: write it here")'}

# Every cell is a program GoNB compiles (GoMLX takes a few seconds to link) and runs; a
# chapter's cells may train for a while. nbgrader's default is 30 s a cell.
c.Execute.timeout = 900
c.Execute.startup_timeout = 180
