#!/usr/bin/env python3
"""The two quick-start commands, needing only Python 3.11+:

    python3 dev.py serve   # set up, load the gazetteer and the seeds, serve on SQLite
    python3 dev.py test    # set up and run the whole test suite

Both create ./.venv and install the requirements into it when they are missing or have
changed. `test` passes further arguments to pytest and honours DATABASE_URL (SQLite when
unset). `serve` honours DATABASE_URL too, and takes --port (default 8000).
"""

import argparse
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
MINIMUM_PYTHON = (3, 11)


def venv_python():
    scripts = "Scripts" if os.name == "nt" else "bin"
    return VENV / scripts / ("python.exe" if os.name == "nt" else "python")


def run(*command, **kwargs):
    print("+", " ".join(str(part) for part in command), flush=True)
    return subprocess.run([str(part) for part in command], cwd=ROOT, check=True, **kwargs)


def ensure_environment(requirements):
    """Create the virtual environment and install `requirements` if they changed."""
    if sys.version_info < MINIMUM_PYTHON:
        sys.exit(f"newsroom needs Python {'.'.join(map(str, MINIMUM_PYTHON))} or newer.")
    if not venv_python().exists():
        print(f"Creating a virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256()
    for name in ("requirements.txt", requirements):
        digest.update((ROOT / name).read_bytes())
    stamp = VENV / f".installed-{Path(requirements).stem}"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    run(venv_python(), "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(venv_python(), "-m", "pip", "install", "--quiet", "-r", requirements)
    stamp.write_text(digest.hexdigest())


def serve(args):
    ensure_environment("requirements.txt")
    manage = [venv_python(), "manage.py"]
    run(*manage, "migrate", "--no-input")
    run(*manage, "import_seeds")
    print(f"\nThe archive is at http://127.0.0.1:{args.port}/ (Ctrl-C stops it).", flush=True)
    print("Create an editor account: .venv/bin/python manage.py createstaff NAME --role editor")
    run(*manage, "runserver", f"127.0.0.1:{args.port}")


def test(args):
    ensure_environment("requirements-dev.txt")
    database = os.environ.get("DATABASE_URL", "sqlite (default)")
    print(f"Running the test suite on {database}", flush=True)
    result = subprocess.run([str(venv_python()), "-m", "pytest", *args.pytest_args], cwd=ROOT)
    return result.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="set up and serve the site on SQLite")
    serve_parser.add_argument("--port", type=int, default=8000)
    test_parser = commands.add_parser("test", help="set up and run the test suite")
    test_parser.add_argument("pytest_args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    try:
        if args.command == "serve":
            serve(args)
            return 0
        return test(args)
    except subprocess.CalledProcessError as error:
        return error.returncode
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
