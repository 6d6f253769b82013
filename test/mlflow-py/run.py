"""Runs every test_*.py here with the stdlib's unittest and ends with `N passed, N failed`."""
import os
import sys
import unittest


class Counting(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1


here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
# An optional argument narrows the files, e.g. `npm run test:mlflow -- test_import*.py`.
pattern = sys.argv[1] if len(sys.argv) > 1 else "test_*.py"
suite = unittest.defaultTestLoader.discover(here, pattern=pattern, top_level_dir=here)
result = unittest.TextTestRunner(verbosity=2, resultclass=Counting, stream=sys.stdout).run(suite)
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses) + len(result.skipped)
print(f"\n{result.passed} passed, {failed} failed")
sys.exit(0 if failed == 0 and result.passed > 0 else 1)
