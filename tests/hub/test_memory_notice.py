"""Tests of docker/memory_notice.py's reading of a memory cgroup (cgroup v1 and v2 files as
Linux writes them). The hub test (hub_test.py) checks the message itself, in a learner's
cell whose program the memory limit stopped.

  .venv-hub/bin/python -m unittest discover -s tests/hub -p 'test_*.py'
"""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docker"))
import memory_notice  # noqa: E402

V1_OOM_CONTROL = "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n"
V2_EVENTS = "low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n"


class CgroupTest(unittest.TestCase):
    def cgroup(self, files):
        d = tempfile.mkdtemp()
        self.addCleanup(lambda: [os.remove(os.path.join(d, f)) for f in os.listdir(d)] and os.rmdir(d))
        for name, text in files.items():
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        os.environ["FASHION_CGROUP_DIR"] = d
        self.addCleanup(os.environ.pop, "FASHION_CGROUP_DIR", None)
        return d

    def test_v1(self):
        d = self.cgroup({"memory.oom_control": V1_OOM_CONTROL, "memory.limit_in_bytes": "2147483648\n"})
        self.assertEqual(memory_notice.memory_cgroup(), (d, 1))
        self.assertEqual(memory_notice.oom_kills(d, 1), 3)
        self.assertEqual(memory_notice.limit_bytes(d, 1), 2 << 30)
        self.assertEqual(memory_notice.human(2 << 30), "2.0 GiB")

    def test_v2(self):
        d = self.cgroup({"memory.events": V2_EVENTS, "memory.max": "536870912\n"})
        self.assertEqual(memory_notice.memory_cgroup(), (d, 2))
        self.assertEqual(memory_notice.oom_kills(d, 2), 2)  # oom_kill, not oom nor oom_group_kill
        self.assertEqual(memory_notice.human(memory_notice.limit_bytes(d, 2)), "512 MiB")

    def test_no_limit(self):
        d = self.cgroup({"memory.oom_control": V1_OOM_CONTROL, "memory.limit_in_bytes": "9223372036854771712\n"})
        self.assertIsNone(memory_notice.limit_bytes(d, 1))
        d = self.cgroup({"memory.events": V2_EVENTS, "memory.max": "max\n"})
        self.assertIsNone(memory_notice.limit_bytes(d, 2))

    def test_no_cgroup(self):
        self.cgroup({})
        self.assertEqual(memory_notice.memory_cgroup(), (None, None))


if __name__ == "__main__":
    unittest.main()
