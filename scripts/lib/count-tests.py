"""Counts every test that `swift test` runs ran and prints one line: N passed, N failed (, N skipped).
Takes each run's output log, NAME.log, from a run given `--xunit-output NAME.xml`.
XCTest's cases are read from the log ("Test Case '…' passed"), since SwiftPM writes XCTest's
xUnit file only for parallel runs; Swift Testing's from NAME-swift-testing.xml, or from the log
when a crash (a sanitizer halting, say) left no such file.
Usage: count-tests.py NAME.log ..."""
import os
import re
import sys
import xml.etree.ElementTree as ElementTree

counts = {"passed": 0, "failed": 0, "skipped": 0}


def count_log(path):
    """XCTest's cases, and Swift Testing's as the log tells them: {test: outcome or None}."""
    xctest = {"passed": 0, "failed": 0, "skipped": 0}
    started = 0
    swift_testing = {}
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = re.match(r"Test Case '[^']+' (started|passed|failed|skipped)", line)
            if match and match.group(1) == "started":
                started += 1
            elif match:
                xctest[match.group(1)] += 1
            match = re.match(r"\S+ Test (.+?)(?: with \d+ test cases?)? (started\.|passed after|failed after|skipped\b)", line)
            outcome = match and re.match(r"[a-z]+", match.group(2)).group(0)
            if outcome == "started":
                swift_testing.setdefault(match.group(1), None)
            elif outcome:
                swift_testing[match.group(1)] = outcome
    # A case that started and never ended took the test process down with it: it failed.
    xctest["failed"] += started - sum(xctest.values())
    return xctest, swift_testing


for log_path in sys.argv[1:]:
    xctest, swift_testing = count_log(log_path)
    for outcome, number in xctest.items():
        counts[outcome] += number
    xunit = log_path.removesuffix(".log") + "-swift-testing.xml"
    if os.path.exists(xunit):
        for case in ElementTree.parse(xunit).getroot().iter("testcase"):
            if case.find("failure") is not None or case.find("error") is not None:
                counts["failed"] += 1
            elif case.find("skipped") is not None:
                counts["skipped"] += 1
            else:
                counts["passed"] += 1
    else:
        for outcome in swift_testing.values():
            counts[outcome or "failed"] += 1
line = f"{counts['passed']} passed, {counts['failed']} failed"
print(line + (f", {counts['skipped']} skipped" if counts["skipped"] else ""))
