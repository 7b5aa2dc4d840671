#!/usr/bin/env python3
"""After the tests: nothing of a test's state directory still runs (docs/workloads.md, "Lifecycle").

A process is a leftover when it is not a zombie and its command line names a directory under the temporary
directory whose name starts with "gwconsole-" (the tests' state directories, pods and backends), or it holds a file
of one open (a sandboxed pod's nginx has only its output there). Waits up to 15 s for processes that are stopping;
then lists what is left and exits 1.
"""
import os
import sys
import tempfile
import time

prefix = os.path.join(tempfile.gettempdir(), "gwconsole-")


def leftovers():
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
            if state in ("Z", "X"):
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            names = prefix in cmdline
            if not names:
                for fd in os.listdir(f"/proc/{entry}/fd"):
                    try:
                        if os.readlink(f"/proc/{entry}/fd/{fd}").startswith(prefix):
                            names = True
                            break
                    except OSError:
                        pass
            if names:
                found.append(f"{entry} {cmdline[:200]}")
        except (OSError, IndexError):
            continue
    return found


deadline = time.monotonic() + 15
left = leftovers()
while left and time.monotonic() < deadline:
    time.sleep(0.2)
    left = leftovers()
if left:
    print("processes of the tests' state directories still run after the tests:", file=sys.stderr)
    for line in left:
        print("  " + line, file=sys.stderr)
    sys.exit(1)
print("no process of the tests' state directories runs")
