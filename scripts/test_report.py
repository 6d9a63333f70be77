"""Turn pytest and Odoo test outputs into counts for scripts/test.sh.

test_report.py pytest JUNIT_XML   print "PASSED FAILED SKIPPED"
test_report.py odoo LOG_FILE      print "PASSED FAILED SKIPPED"; exit 1 when the log
                                  holds an ERROR/CRITICAL line, a WARNING not allowed
                                  below, or no test summary (problems go to stderr)
"""

import re
import sys
import xml.etree.ElementTree as ET

# Log records start with "2025-01-31 12:34:56,789 <pid> <LEVEL> <db> <logger>: <message>".
RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \d+ "
    r"(?P<level>[A-Z]+) \S+ (?P<logger>[\w.]+): (?P<message>.*)"
)
SUMMARY = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests "
    r"when loading database"
)
# A skipped test ("skipped Class.method : reason") is counted in the summary's N tests; a
# skipped class or module ("skipped setUpClass (module.Class) : reason") is not.
SKIPPED_TEST = re.compile(r"^skipped \S+ : ")
SKIPPED_CLASS = re.compile(r"^skipped (setUpClass|setUpModule) \(")

# WARNING records that do not fail the run, as (logger, message regex, why).
# Anything else at WARNING or above fails it, like OCA CI's log checks.
ALLOWED_WARNINGS = []


def pytest_counts(junit_path):
    tests = failed = skipped = 0
    for suite in ET.parse(junit_path).getroot().iter("testsuite"):
        tests += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return tests - failed - skipped, failed, skipped


def is_allowed(record):
    return record["level"] == "WARNING" and any(
        logger == record["logger"] and re.search(pattern, record["message"])
        for logger, pattern, _why in ALLOWED_WARNINGS
    )


def odoo_counts(log_path):
    """Return (passed, failed, skipped, problems) from an Odoo --test-enable log."""
    summary, skipped_tests, skipped_classes, problems = None, 0, 0, []
    with open(log_path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = RECORD.match(line)
            if not match:
                continue  # traceback or other continuation line of the previous record
            skipped_tests += bool(SKIPPED_TEST.match(match["message"]))
            skipped_classes += bool(SKIPPED_CLASS.match(match["message"]))
            summary = SUMMARY.search(match["message"]) or summary
            if match["level"] in ("WARNING", "ERROR", "CRITICAL") and not is_allowed(match):
                problems.append(line.rstrip())
    skipped = skipped_tests + skipped_classes
    if summary is None:
        problems.append(
            "no Odoo test summary in the log: the server stopped before running the tests"
        )
        return 0, 0, skipped, problems
    failed = int(summary["failed"]) + int(summary["errors"])
    return int(summary["run"]) - failed - skipped_tests, failed, skipped, problems


def main(kind, path):
    if kind == "pytest":
        print(*pytest_counts(path))
        return 0
    passed, failed, skipped, problems = odoo_counts(path)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    print(passed, failed, skipped)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
