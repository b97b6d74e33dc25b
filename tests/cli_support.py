"""Helpers shared by the command-line tests (cli_test.py, whatif_cli_test.py,
profile_cli_test.py, docs_test.py): checks that record failures instead of stopping at the
first, and running the vetan binary."""
import subprocess

FAILURES = []


def check(cond, what):
    """Records `what` as a failure (and prints it) unless `cond` holds."""
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)


def vetan(binary, *args, timeout=300):
    """Runs `binary args...`; returns (exit code, stdout, stderr) as text."""
    p = subprocess.run([binary, *args], capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def finish(passed="all cases hold"):
    """Prints the verdict and returns the exit code: 0 when nothing failed."""
    print("FAILED" if FAILURES else passed)
    return 1 if FAILURES else 0
