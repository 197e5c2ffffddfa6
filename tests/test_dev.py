"""dev.py, the quick-start script: its arguments, and what it installs."""

import importlib.util
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def dev():
    spec = importlib.util.spec_from_file_location("newsroom_dev_script", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "pytest_args",
    [
        [],
        ["-k", "wire", "-x"],  # the README's example
        ["-q"],
        ["--lf"],
        ["tests/test_views.py", "-x", "-q"],
        ["-k", "importer and not workers", "tests/test_importers.py::test_one"],
        ["--help"],
    ],
)
def test_every_argument_after_test_goes_to_pytest(dev, pytest_args):
    args = dev.parse_args(["test", *pytest_args])
    assert args.command == "test"
    assert args.pytest_args == pytest_args


def test_lock_passes_its_arguments_to_uv(dev):
    args = dev.parse_args(["lock", "--upgrade-package", "django-reversion"])
    assert (args.command, args.uv_args) == ("lock", ["--upgrade-package", "django-reversion"])


def test_serve_takes_a_port(dev):
    assert dev.parse_args(["serve", "--port", "8799"]).port == 8799
    assert dev.parse_args(["serve"]).port == 8000
    with pytest.raises(SystemExit):
        dev.parse_args(["serve", "-x"])


def test_main_runs_pytest_with_the_arguments_as_given(dev, monkeypatch):
    installed, calls = [], []
    monkeypatch.setattr(dev, "ensure_environment", installed.append)
    monkeypatch.setattr(
        dev.subprocess,
        "run",
        lambda command, **kwargs: calls.append(command) or subprocess.CompletedProcess(command, 0),
    )
    assert dev.main(["test", "-k", "importer", "-x"]) == 0
    assert installed == ["requirements-dev.txt"]
    assert calls == [[str(dev.venv_python()), "-m", "pytest", "-k", "importer", "-x"]]


@pytest.fixture
def sandbox(dev, tmp_path, monkeypatch):
    """dev.py pointed at a copy of the locks in tmp_path, with a fake venv and no pip."""
    for name in ("requirements.txt", "requirements-dev.txt"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    venv = tmp_path / ".venv"
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    monkeypatch.setattr(dev, "VENV", venv)
    monkeypatch.setattr(dev, "LOCAL_ENV", tmp_path / "local.env")
    dev.venv_python().parent.mkdir(parents=True)
    dev.venv_python().touch()
    commands = []
    monkeypatch.setattr(dev, "run", lambda *command, **kwargs: commands.append((command, kwargs)))
    return tmp_path, commands


@pytest.mark.parametrize("lock", ["requirements.txt", "requirements-dev.txt"])
def test_dev_installs_the_lock_with_hashes_and_reinstalls_when_it_changes(dev, sandbox, lock):
    root, commands = sandbox
    dev.ensure_environment(lock)
    installs = [command for command, _ in commands if "install" in command and "-r" in command]
    assert installs == [tuple(dev.install_command(lock))]
    assert "--require-hashes" in installs[0]
    assert installs[0][installs[0].index("-r") + 1] == lock
    # The file it installs is a lock: every requirement pinned with hashes.
    text = (root / lock).read_text()
    assert "--hash=sha256:" in text and ">=" not in text

    commands.clear()
    dev.ensure_environment(lock)
    assert commands == [], "reinstalled although the lock did not change"

    (root / lock).write_text(text.replace("django-reversion==", "django-reversion==0", 1))
    dev.ensure_environment(lock)
    assert any("--require-hashes" in command for command, _ in commands), (
        "the lock changed but nothing was reinstalled"
    )


def test_serve_and_test_install_their_locks(dev, monkeypatch):
    installed = []
    monkeypatch.setattr(dev, "ensure_environment", installed.append)
    monkeypatch.setattr(dev, "run", lambda *command, **kwargs: None)
    monkeypatch.setattr(
        dev.subprocess, "run", lambda command, **kwargs: subprocess.CompletedProcess(command, 0)
    )
    dev.main(["serve", "--port", "8799"])
    dev.main(["test"])
    assert installed == ["requirements.txt", "requirements-dev.txt"]


def test_serve_runs_with_debug_on(dev, monkeypatch):
    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.setattr(dev, "ensure_environment", lambda lock: None)
    commands = []
    monkeypatch.setattr(dev, "run", lambda *command, **kwargs: commands.append(kwargs))
    dev.main(["serve", "--port", "8799"])
    assert len(commands) == 3  # migrate, import_seeds, runserver
    assert all(kwargs["env"]["DEBUG"] == "1" for kwargs in commands)


def test_setup_writes_local_env_with_debug_once(dev, sandbox):
    root, _commands = sandbox
    dev.ensure_environment("requirements.txt")
    assert "DEBUG=1" in (root / "local.env").read_text().splitlines()
    (root / "local.env").write_text("DEBUG=1\nNEWSROOM_NAME=Mine\n")
    dev.ensure_environment("requirements.txt")
    assert (root / "local.env").read_text() == "DEBUG=1\nNEWSROOM_NAME=Mine\n"


def test_local_env_is_not_tracked():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "local.env" in ignored, "local.env must be in .gitignore"


def test_lock_compiles_each_lock_from_its_ranges_with_hashes(dev):
    commands = dev.lock_commands(["--upgrade"])
    assert [(c[-3], c[-1]) for c in commands] == [
        ("requirements.in", "requirements.txt"),
        ("requirements-dev.in", "requirements-dev.txt"),
    ]
    for command in commands:
        assert command[1:3] == ["pip", "compile"]
        assert "--generate-hashes" in command and "--upgrade" in command
