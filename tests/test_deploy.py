"""The production sample nginx configuration, docs/deploy/nginx.conf (issue 12, fault 15).

A few half-sent requests stalled gunicorn (2 workers x 4 threads): each holds a thread
until it is complete. Production runs behind nginx, which reads every request whole before
passing it on and buffers every response; the README's production section ships the
sample and says why. Here the sample is checked against the settings it must match, by
`nginx -t`, and by serving the site through it (gunicorn as production runs it) while
slow clients hold connections open. The last two need nginx and openssl
(`apt-get install nginx`) and are skipped without them.
"""

import ast
import contextlib
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "docs" / "deploy" / "nginx.conf"
HOST = "news.example.org"
NGINX = shutil.which("nginx") or next(
    (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(path, os.X_OK)),
    None,
)
OPENSSL = shutil.which("openssl")
needs_nginx = pytest.mark.skipif(
    NGINX is None or OPENSSL is None, reason="needs nginx and openssl (apt-get install nginx)"
)


def sample():
    return SAMPLE.read_text()


def directives(text):
    """The sample's directives, comments left out, one string each."""
    without_comments = re.sub(r"#[^\n]*", "", text)
    return [" ".join(part.split()) for part in without_comments.split(";")]


def test_the_readme_production_section_ships_the_sample():
    readme = (ROOT / "README.md").read_text()
    production = readme[readme.index("In production") : readme.index("## Development")]
    assert "docs/deploy/nginx.conf" in production
    assert "AXES_PROXY_COUNT=1" in production
    assert "slow" in production


def test_the_sample_buffers_and_times_out_slow_clients():
    found = " ; ".join(directives(sample()))
    for directive in (
        "client_header_timeout 10s",
        "client_body_timeout 10s",
        "send_timeout 30s",
        "proxy_request_buffering on",
        "proxy_buffering on",
        "client_max_body_size 3m",
        "large_client_header_buffers 4 8k",
    ):
        assert directive in found, directive


def production_setting(name):
    """A setting as production has it (DEBUG=0): read in a fresh interpreter, since the
    suite's settings are those of a checkout."""
    environment = {**os.environ, "DEBUG": "0", "SECRET_KEY": "test-only-key-0123456789"}
    code = f"import newsroom.settings as s; print(repr(s.{name}))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout)


def test_the_sample_sends_the_headers_the_settings_trust():
    found = directives(sample())
    # SECURE_PROXY_SSL_HEADER: the header nginx must set (never pass on) to the scheme.
    header, value = production_setting("SECURE_PROXY_SSL_HEADER")
    name = header.removeprefix("HTTP_").replace("_", "-").title()
    assert value == "https"
    assert any(d.endswith(f"proxy_set_header {name} $scheme") for d in found)
    # X-Forwarded-For: the address nginx saw, appended last (AXES_PROXY_COUNT counts from
    # the right), and the Host the site checks against ALLOWED_HOSTS.
    assert any(
        d.endswith("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for") for d in found
    )
    assert any(d.endswith("proxy_set_header Host $host") for d in found)


def test_the_sample_serves_the_collected_static_files():
    static_url = settings.STATIC_URL.strip("/")
    static_root = Path(settings.STATIC_ROOT).name
    found = directives(sample())
    assert any(
        d.endswith(f"location /{static_url}/ {{ alias /srv/newsroom/{static_root}/") for d in found
    )


# nginx itself: `nginx -t`, then the site served through the sample.


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def nginx_prefix():
    """A directory nginx's workers (nobody, when the tests run as root) can read."""
    directory = Path(tempfile.mkdtemp(prefix="newsroom-nginx-"))
    directory.chmod(0o755)
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def configure(prefix, *, upstream_port=8000):
    """Write the sample as a deployment would fill it in, inside a minimal nginx.conf:
    a self-signed certificate, loopback ports, a collected-static directory. Returns
    (path of nginx.conf, http port, https port)."""
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
         "-keyout", prefix / "privkey.pem", "-out", prefix / "fullchain.pem"],
        check=True, capture_output=True,
    )  # fmt: skip
    http_port, https_port = free_port(), free_port()
    site = sample()
    replacements = [
        (r"\n\s*listen \[::\]:\d+[^;]*;", ""),  # IPv6 may be missing where tests run
        (r"listen 80\b", f"listen 127.0.0.1:{http_port}"),
        (r"listen 443\b", f"listen 127.0.0.1:{https_port}"),
        (r"/etc/letsencrypt/live/news\.example\.org/", f"{prefix}/"),
        (r"/srv/newsroom/", f"{prefix}/"),
        (r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{upstream_port};"),
        (r"return 301 https://\$host\$request_uri;", f"return 301 https://$host:{https_port}$request_uri;"),
    ]  # fmt: skip
    for pattern, replacement in replacements:
        site, count = re.subn(pattern, replacement, site)
        assert count, f"the sample no longer has {pattern}"
    (prefix / "newsroom.conf").write_text(site)
    mime_types = Path("/etc/nginx/mime.types")
    types = f"include {mime_types};" if mime_types.exists() else "types { text/css css; }"
    temp_paths = "\n".join(
        f"    {kind}_temp_path {prefix}/{kind}_temp;"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = prefix / "nginx.conf"
    main.write_text(
        f"pid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/error.log;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        f"    {types}\n"
        f"    access_log {prefix}/access.log;\n"
        f"{temp_paths}\n"
        f"    include {prefix}/newsroom.conf;\n"
        "}\n"
    )
    return main, http_port, https_port


def nginx(main, prefix, *arguments):
    return [NGINX, "-p", f"{prefix}/", "-e", f"{prefix}/error.log", "-c", str(main), *arguments]


@needs_nginx
def test_nginx_accepts_the_sample():
    with nginx_prefix() as prefix:
        main, _, _ = configure(prefix)
        checked = subprocess.run(nginx(main, prefix, "-t"), capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr and "test is successful" in checked.stderr


def wait_for_port(port, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


@contextlib.contextmanager
def running(command, port, **kwargs):
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, **kwargs)
    try:
        wait_for_port(port, process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate


def connect(port):
    return TLS.wrap_socket(
        socket.create_connection(("127.0.0.1", port), timeout=5), server_hostname=HOST
    )


def fetch(port, path, timeout=3):
    """(status line, headers and body) of one GET over TLS, or TimeoutError."""
    with connect(port) as connection:
        connection.settimeout(timeout)
        connection.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode()
        )
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    text = received.decode(errors="replace")
    return text.split("\r\n", 1)[0], text


def hold_slow_requests(port, count):
    """Connections that send half a request and then nothing: half stop in the headers,
    half in a form's body. Returns the open sockets."""
    held = []
    for i in range(count):
        connection = connect(port)
        if i % 2:
            connection.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}\r\nX-Slow: ".encode())
        else:
            connection.sendall(
                f"POST /admin/login/ HTTP/1.1\r\nHost: {HOST}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: 100000\r\n\r\nusername=".encode()
            )
        held.append(connection)
    return held


@needs_nginx
def test_slow_clients_do_not_stall_the_site_behind_the_sample(tmp_path):
    """gunicorn as production runs it (DEBUG=0, 2 workers x 4 threads, the site's HTTPS
    settings) behind the sample. 24 half-sent requests (3 for each of gunicorn's threads)
    are held in nginx; every reader's request is answered at once. Straight to gunicorn
    (tried by hand), 12 such requests left every reader's request unanswered after 8 s."""
    gunicorn_port = free_port()
    environment = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "test-only-key-for-the-nginx-sample-0123456789abcdef",
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",  # /robots.txt: no query
        "PAGE_CACHE": "0",
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--workers", "2",
                "--threads", "4", "--bind", f"127.0.0.1:{gunicorn_port}"]  # fmt: skip
    with nginx_prefix() as prefix:
        main, http_port, https_port = configure(prefix, upstream_port=gunicorn_port)
        static = prefix / "staticfiles" / "css"
        static.mkdir(parents=True)
        (static / "site.css").write_text("body {}")
        (static / "site.0123456789ab.css").write_text("body {}")
        with (
            running(gunicorn, gunicorn_port, cwd=ROOT, env=environment, stderr=subprocess.DEVNULL),
            running(nginx(main, prefix, "-g", "daemon off;"), https_port),
        ):
            status, response = fetch(https_port, "/robots.txt")
            assert status == "HTTP/1.1 200 OK", response
            # Django saw HTTPS (SECURE_PROXY_SSL_HEADER): no redirect, https links.
            assert f"Sitemap: https://{HOST}/sitemap.xml" in response
            held = hold_slow_requests(https_port, 24)
            try:
                time.sleep(0.5)
                for _ in range(8):
                    started = time.monotonic()
                    status, response = fetch(https_port, "/robots.txt")
                    assert status == "HTTP/1.1 200 OK", response
                    assert time.monotonic() - started < 2
            finally:
                for connection in held:
                    connection.close()
            # Static files come from nginx, hashed ones for good.
            status, response = fetch(https_port, "/static/css/site.0123456789ab.css")
            assert status == "HTTP/1.1 200 OK"
            assert "Cache-Control: public, max-age=31536000, immutable" in response
            status, response = fetch(https_port, "/static/css/site.css")
            assert "Cache-Control: public, max-age=60" in response
            # Plain HTTP is sent to HTTPS; an unknown host gets nothing.
            with socket.create_connection(("127.0.0.1", http_port), timeout=5) as plain:
                plain.sendall(
                    f"GET /x HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode()
                )
                assert plain.recv(100).startswith(b"HTTP/1.1 301")
            with pytest.raises(ssl.SSLError):
                TLS.wrap_socket(
                    socket.create_connection(("127.0.0.1", https_port), timeout=5),
                    server_hostname="other.example",
                )
