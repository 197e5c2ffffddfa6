#!/usr/bin/env python3
"""The quick-start commands, needing only Python 3.11+:

    python3 dev.py serve   # set up, load the gazetteer and the seeds, serve on SQLite
    python3 dev.py test    # set up and run the whole test suite
    python3 dev.py lock    # remake the locks from the ranges (uv pip compile --generate-hashes)

Each creates ./.venv and installs the locked requirements into it (pip --require-hashes)
when they are missing or the lock has changed: requirements.txt (the site's lock) for
`serve`, requirements-dev.txt (the site's and the tests' lock) for `test` and `lock`. The
ranges the locks are made from are requirements.in and requirements-dev.in.

Each also writes local.env (untracked) if it is missing: DEBUG=1, which the settings read
only when the file is present, so that local `.venv/bin/python manage.py ...` commands run
with DEBUG on while a deployment that sets nothing runs with DEBUG off.

`test` passes every further argument to pytest and honours DATABASE_URL (SQLite when
unset). `serve` honours DATABASE_URL too, takes --port (default 8000) and always runs with
DEBUG on. `lock` passes every further argument to uv pip compile, e.g. `--upgrade` or
`--upgrade-package django-reversion`.
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
# The locks (pinned, with hashes) and the ranges each is made from.
SITE_LOCK = "requirements.txt"
DEV_LOCK = "requirements-dev.txt"
LOCKS = {SITE_LOCK: "requirements.in", DEV_LOCK: "requirements-dev.in"}
LOCAL_ENV = ROOT / "local.env"
LOCAL_ENV_TEXT = """\
# Written by `python3 dev.py` for local development in this checkout; git ignores it.
# newsroom/settings.py reads it only when it is present, and the environment wins over it.
# A deployment never has it: there DEBUG is off unless set, and SECRET_KEY is required.
DEBUG=1
"""


def venv_python():
    scripts = "Scripts" if os.name == "nt" else "bin"
    return VENV / scripts / ("python.exe" if os.name == "nt" else "python")


def venv_tool(name):
    scripts = "Scripts" if os.name == "nt" else "bin"
    return VENV / scripts / (f"{name}.exe" if os.name == "nt" else name)


def run(*command, **kwargs):
    print("+", " ".join(str(part) for part in command), flush=True)
    return subprocess.run([str(part) for part in command], cwd=ROOT, check=True, **kwargs)


def lock_digest(lock):
    """What the installed-environment stamp records: the lock's exact bytes."""
    return hashlib.sha256((ROOT / lock).read_bytes()).hexdigest()


def install_command(lock):
    return [venv_python(), "-m", "pip", "install", "--quiet", "--require-hashes", "-r", lock]


def ensure_local_env():
    """Write local.env (DEBUG=1 for this checkout) unless it exists."""
    if not LOCAL_ENV.exists():
        LOCAL_ENV.write_text(LOCAL_ENV_TEXT)
        print(f"Wrote {LOCAL_ENV.name}: DEBUG=1 for local commands in this checkout", flush=True)


def ensure_environment(lock):
    """Create the virtual environment and install `lock` if it changed since last time."""
    if sys.version_info < MINIMUM_PYTHON:
        sys.exit(f"newsroom needs Python {'.'.join(map(str, MINIMUM_PYTHON))} or newer.")
    ensure_local_env()
    if not venv_python().exists():
        print(f"Creating a virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = lock_digest(lock)
    stamp = VENV / f".installed-{Path(lock).stem}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    run(venv_python(), "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(*install_command(lock))
    stamp.write_text(digest)


def serve(args):
    ensure_environment(SITE_LOCK)
    env = {**os.environ, "DEBUG": "1"}  # local use: DEBUG on, whatever the shell says
    manage = [venv_python(), "manage.py"]
    run(*manage, "migrate", "--no-input", env=env)
    run(*manage, "import_seeds", env=env)
    print(f"\nThe archive is at http://127.0.0.1:{args.port}/ (Ctrl-C stops it).", flush=True)
    print("Create an editor account: .venv/bin/python manage.py createstaff NAME --role editor")
    run(*manage, "runserver", f"127.0.0.1:{args.port}", env=env)


def test(args):
    ensure_environment(DEV_LOCK)
    database = os.environ.get("DATABASE_URL", "sqlite (default)")
    print(f"Running the test suite on {database}", flush=True)
    result = subprocess.run([str(venv_python()), "-m", "pytest", *args.pytest_args], cwd=ROOT)
    return result.returncode


def lock_commands(extra=()):
    """uv pip compile for each lock, the site's first: the dev ranges are constrained to it."""
    return [
        [
            venv_tool("uv"),
            "pip",
            "compile",
            "--quiet",
            "--generate-hashes",
            "--universal",  # one lock for every platform, with markers where they differ
            "--python-version",
            ".".join(map(str, MINIMUM_PYTHON)),
            "--custom-compile-command",
            "python3 dev.py lock",
            *extra,
            ranges,
            "--output-file",
            lock,
        ]
        for lock, ranges in LOCKS.items()
    ]


def lock(args):
    ensure_environment(DEV_LOCK)  # uv comes from the dev lock, hash-checked like the rest
    for command in lock_commands(args.uv_args):
        run(*command)
    print("Locks written; the next `python3 dev.py serve` or `test` installs them.", flush=True)
    return 0


# Commands whose every further argument belongs to another program (pytest, uv): argparse
# would read options such as `-k expr -x` as its own and refuse them, so they are split off
# before parsing.
PASS_THROUGH = {"test": "pytest_args", "lock": "uv_args"}


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="set up and serve the site on SQLite")
    serve_parser.add_argument("--port", type=int, default=8000)
    commands.add_parser(
        "test",
        help="set up and run the test suite; every further argument goes to pytest",
        usage="%(prog)s [pytest arguments, e.g. -k importer -x]",
    )
    commands.add_parser(
        "lock",
        help="remake requirements.txt and requirements-dev.txt from the .in ranges with uv",
        usage="%(prog)s [uv pip compile arguments, e.g. --upgrade]",
    )
    return parser


def parse_args(argv):
    parser = build_parser()
    if argv and argv[0] in PASS_THROUGH:
        args = parser.parse_args(argv[:1])
        setattr(args, PASS_THROUGH[argv[0]], list(argv[1:]))
        return args
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if args.command == "serve":
            serve(args)
            return 0
        if args.command == "lock":
            return lock(args)
        return test(args)
    except subprocess.CalledProcessError as error:
        return error.returncode
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
