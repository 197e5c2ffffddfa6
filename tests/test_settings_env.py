"""newsroom/settings.py fails closed: DEBUG is off unless set, and then SECRET_KEY is required.

Each case imports a copy of the real settings module in a fresh interpreter with a clean
environment, in a folder of its own, so that this checkout's local.env (written by dev.py)
is not there unless the case writes one.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_KEY = "test-only-" + "k" * 50


def import_settings(tmp_path, environment, local_env=None, show="s.DEBUG, s.SECRET_KEY == KEY"):
    package = tmp_path / "newsroom"
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_bytes((ROOT / "newsroom" / "settings.py").read_bytes())
    if local_env is not None:
        (tmp_path / "local.env").write_text(local_env)
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **environment}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import newsroom.settings as s; KEY = {PRODUCTION_KEY!r}; print({show})",
        ],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_is_off_when_unset(tmp_path):
    result = import_settings(tmp_path, {"SECRET_KEY": PRODUCTION_KEY})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


@pytest.mark.parametrize("value", ["", "0", "false", "no", "off", "maybe"])
def test_debug_is_off_unless_set_to_a_true_value(tmp_path, value):
    result = import_settings(tmp_path, {"DEBUG": value, "SECRET_KEY": PRODUCTION_KEY})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


def test_nothing_set_refuses_to_start_with_a_clear_message(tmp_path):
    result = import_settings(tmp_path, {})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set: DEBUG is off" in result.stderr
    assert "dev.py" in result.stderr  # says how to get a local setup


def test_debug_on_when_set_uses_a_local_only_key(tmp_path):
    result = import_settings(tmp_path, {"DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]


def test_local_env_turns_debug_on_for_its_checkout(tmp_path):
    result = import_settings(tmp_path, {}, local_env="# dev.py\nDEBUG=1\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]


def test_environment_wins_over_local_env(tmp_path):
    result = import_settings(tmp_path, {"DEBUG": "0"}, local_env="DEBUG=1\n")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


CACHES_SHOWN = (
    "*[(a, c['BACKEND'].rsplit('.', 1)[1], c.get('LOCATION'), c.get('KEY_PREFIX'), "
    "c.get('VERSION')) for a, c in sorted(s.CACHES.items())]"
)


def test_without_redis_url_each_process_caches_in_its_own_memory(tmp_path):
    result = import_settings(tmp_path, {"SECRET_KEY": PRODUCTION_KEY}, show=CACHES_SHOWN)
    assert result.returncode == 0, result.stderr
    assert "ByteBoundedLocMemCache" in result.stdout
    assert "Redis" not in result.stdout


def test_with_redis_url_both_caches_are_shared_prefixed_and_versioned(tmp_path):
    environment = {
        "SECRET_KEY": PRODUCTION_KEY,
        "REDIS_URL": "redis://10.0.0.5:6379/2",
        "CACHE_KEY_PREFIX": "staging",
        "CACHE_VERSION": "7",
    }
    result = import_settings(tmp_path, environment, show=CACHES_SHOWN)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "('default', 'FailSafeRedisCache', 'redis://10.0.0.5:6379/2', 'staging:default', 7) "
        "('pages', 'FailSafeRedisCache', 'redis://10.0.0.5:6379/2', 'staging:pages', 7)"
    )


def replica_settings(tmp_path, environment):
    """What the settings make of DATABASE_REPLICA_URL: (databases, routers, middleware)."""
    package = tmp_path / "newsroom"
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_bytes((ROOT / "newsroom" / "settings.py").read_bytes())
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DEBUG": "1", **environment}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, newsroom.settings as s; print(json.dumps([s.DATABASES, "
            "getattr(s, 'DATABASE_ROUTERS', []), s.MIDDLEWARE], default=str))",
        ],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    import json

    return json.loads(result.stdout)


def test_without_a_replica_there_is_one_database_and_no_router(tmp_path):
    databases, routers, middleware = replica_settings(
        tmp_path, {"DATABASE_URL": "postgres://news@db.example:5432/newsroom"}
    )
    assert list(databases) == ["default"]
    assert routers == []
    assert not any("db_routers" in name for name in middleware)


def test_a_replica_url_adds_the_replica_its_router_and_its_middleware(tmp_path):
    databases, routers, middleware = replica_settings(
        tmp_path,
        {
            "DATABASE_URL": "postgres://news@primary.example:5432/newsroom",
            "DATABASE_REPLICA_URL": "postgres://reader:pw@replica.example:5433/newsroom",
        },
    )
    replica = databases["replica"]
    assert (replica["HOST"], replica["PORT"], replica["USER"], replica["NAME"]) == (
        "replica.example",
        5433,
        "reader",
        "newsroom",
    )
    assert replica["ENGINE"] == "django.db.backends.postgresql"
    assert databases["default"]["HOST"] == "primary.example"
    # The test runner reads the primary's test database through it.
    assert replica["TEST"] == {"MIRROR": "default"}
    # A pool of its own, as the primary has, giving up sooner on a replica that is down.
    assert replica["OPTIONS"]["pool"]["timeout"] == 1.0
    primary_pool = databases["default"]["OPTIONS"]["pool"]
    assert replica["OPTIONS"]["pool"]["max_size"] == primary_pool["max_size"]
    assert routers == ["newsroom.db_routers.ReplicaRouter"]
    # Before the page cache, which reads the archive version where readers read.
    assert middleware.index("newsroom.db_routers.ReplicaMiddleware") < middleware.index(
        "articles.middleware.PublicPageCacheMiddleware"
    )
