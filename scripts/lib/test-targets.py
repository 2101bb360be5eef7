"""Prints the package's test targets of one kind, one a line, read from `swift package dump-package`
on stdin. A test target that depends on TestSupport needs a PostgreSQL server (and EndToEndTests
the built ustrack); every other one is pure. Deciding it from the manifest keeps one source of
truth: a new test target is sorted the moment it is declared.
Usage: swift package dump-package | test-targets.py server|pure"""
import json
import sys

kind = sys.argv[1]
if kind not in ("server", "pure"):
    sys.exit("usage: test-targets.py server|pure")
for target in json.load(sys.stdin)["targets"]:
    if target["type"] != "test":
        continue
    names = [(dependency.get("byName") or dependency.get("target") or [None])[0] for dependency in target["dependencies"]]
    needs_server = "TestSupport" in names
    if needs_server == (kind == "server"):
        print(target["name"])
