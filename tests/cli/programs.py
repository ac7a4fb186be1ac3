"""The built programs the CLI tests run: GLINT_BIN_DIR, set by ctest."""
import os

BIN = os.path.abspath(os.environ.get("GLINT_BIN_DIR", ""))


def program(name):
    path = os.path.join(BIN, name)
    assert os.access(path, os.X_OK), f"{path} is not built; run through ctest"
    return path
