"""The locks (requirements.txt, requirements-dev.txt) against the ranges they are made from
(requirements.in, requirements-dev.in), and against what is installed.

A fresh install gets the lock, so the lock must hold every top-level requirement, pinned,
with hashes, at a version its range accepts; `python3 dev.py lock` remakes it.
"""

from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCKS = {"requirements.txt": "requirements.in", "requirements-dev.txt": "requirements-dev.in"}


def logical_lines(path):
    """The lines of a requirements file, continuations joined, comments dropped."""
    lines, current = [], ""
    for raw in path.read_text().splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        if current.strip():
            lines.append(current.strip())
        current = ""
    return lines


def read_ranges(path):
    """Top-level requirements of a .in file, following `-r` includes (not `-c` constraints)."""
    requirements = []
    for line in logical_lines(path):
        if line.startswith(("-r ", "--requirement ")):
            requirements += read_ranges(path.parent / line.split(maxsplit=1)[1])
        elif line.startswith("-"):
            continue
        else:
            requirements.append(Requirement(line))
    return requirements


def read_lock(path):
    """{name: (Requirement, [hashes])} for every entry of a lock."""
    entries = {}
    for line in logical_lines(path):
        assert not line.startswith("-"), f"{path.name}: unexpected option line {line!r}"
        parts = line.split(" --hash=")
        requirement = Requirement(parts[0].strip())
        hashes = [part.strip() for part in parts[1:]]
        entries[canonicalize_name(requirement.name)] = (requirement, hashes)
    return entries


def pinned_version(requirement):
    specifiers = list(requirement.specifier)
    assert len(specifiers) == 1 and specifiers[0].operator == "==", (
        f"{requirement} is not pinned with =="
    )
    return specifiers[0].version


@pytest.mark.parametrize("lock_name", LOCKS)
def test_every_lock_entry_is_pinned_with_hashes(lock_name):
    """What `pip install --require-hashes -r <lock>` needs of every line."""
    entries = read_lock(ROOT / lock_name)
    assert entries, f"{lock_name} pins nothing"
    for name, (requirement, hashes) in entries.items():
        pinned_version(requirement)
        assert hashes, f"{lock_name}: {name} has no --hash"
        assert all(h.startswith("sha256:") and len(h) == len("sha256:") + 64 for h in hashes), (
            f"{lock_name}: {name} has a malformed hash"
        )


@pytest.mark.parametrize(("lock_name", "ranges_name"), LOCKS.items())
def test_lock_pins_every_range_at_a_version_it_accepts(lock_name, ranges_name):
    entries = read_lock(ROOT / lock_name)
    ranges = read_ranges(ROOT / ranges_name)
    assert ranges, f"{ranges_name} lists nothing"
    drift = []
    for wanted in ranges:
        name = canonicalize_name(wanted.name)
        if name not in entries:
            drift.append(f"{wanted.name} is in {ranges_name} but not in {lock_name}")
            continue
        locked, hashes = entries[name]
        version = pinned_version(locked)
        if not wanted.specifier.contains(version, prereleases=True):
            drift.append(f"{lock_name} pins {name}=={version}, outside {ranges_name}: {wanted}")
        if not hashes:
            drift.append(f"{lock_name}: {name} has no hashes")
    assert not drift, "Run `python3 dev.py lock` to remake the locks:\n" + "\n".join(drift)


def test_dev_lock_pins_the_site_lock_exactly():
    """Tests run on the very versions (and files) production installs."""
    site = read_lock(ROOT / "requirements.txt")
    dev = read_lock(ROOT / "requirements-dev.txt")
    for name, (requirement, hashes) in site.items():
        assert name in dev, f"{name} is in the site lock but not in the dev lock"
        assert pinned_version(dev[name][0]) == pinned_version(requirement), name
        assert sorted(dev[name][1]) == sorted(hashes), f"{name}: the locks' hashes differ"


def test_installed_environment_is_the_dev_lock():
    """The environment the suite runs in holds what the dev lock pins (dev.py installs it)."""
    wrong = []
    for name, (requirement, _hashes) in read_lock(ROOT / "requirements-dev.txt").items():
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != pinned_version(requirement):
            wrong.append(f"{name}: installed {installed}, locked {pinned_version(requirement)}")
    assert not wrong, "Not the locked environment (python3 dev.py test reinstalls):\n" + "\n".join(
        wrong
    )


def test_production_install_commands_use_the_lock():
    """README's production install and CI's production check install the site lock."""
    command = "pip install --require-hashes -r requirements.txt"
    assert command in (ROOT / "README.md").read_text()
    assert command in (ROOT / ".ci" / "run").read_text()
