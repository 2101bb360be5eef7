"""Counts every test that `swift test` ran and prints one line: N passed, N failed (, N skipped).
XCTest's cases are read from the run's output ("Test Case '…' passed"), since SwiftPM writes
XCTest's xUnit file only for parallel runs; Swift Testing's from its xUnit file.
Usage: count-tests.py OUTPUT_LOG [SWIFT_TESTING_XUNIT ...]"""
import re
import sys
import xml.etree.ElementTree as ElementTree

counts = {"passed": 0, "failed": 0, "skipped": 0}
started = 0
with open(sys.argv[1], encoding="utf-8", errors="replace") as log:
    for line in log:
        match = re.match(r"Test Case '[^']+' (started|passed|failed|skipped)", line)
        if match and match.group(1) == "started":
            started += 1
        elif match:
            counts[match.group(1)] += 1
# A case that started and never ended took the test process down with it: it failed.
counts["failed"] += started - sum(counts.values())
for path in sys.argv[2:]:
    for case in ElementTree.parse(path).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            counts["failed"] += 1
        elif case.find("skipped") is not None:
            counts["skipped"] += 1
        else:
            counts["passed"] += 1
line = f"{counts['passed']} passed, {counts['failed']} failed"
print(line + (f", {counts['skipped']} skipped" if counts["skipped"] else ""))
