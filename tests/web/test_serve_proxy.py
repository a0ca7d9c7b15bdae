"""The README's nginx recipe, for real: basic auth in front of `callboard serve`, websocket through.

Runs when nginx is installed (Debian's nginx package); the page is
refused without credentials, and with them Chromium gets the live table over the proxied
websocket, built from ``--public-url``.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.web.test_serve_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    KEEP_TERMINAL,
    READ_SCREEN,
    free_port,
    serve,
    sync_playwright,
)

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx)"),
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
    pytest.mark.skipif(sync_playwright is None, reason="playwright is not installed"),
    pytest.mark.timeout(120),
]

USER, PASSWORD = "ana", "correct-horse"

# The recipe from the README, with the ports and paths filled in.
SITE = """
map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
server {{
    listen 127.0.0.1:{proxy_port};
    auth_basic "Callboard";
    auth_basic_user_file {htpasswd};
    location / {{
        proxy_pass http://127.0.0.1:{serve_port};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
        proxy_read_timeout 1h;
    }}
}}
"""


def nginx_conf(tmp: Path, proxy_port: int, serve_port: int) -> Path:
    htpasswd = tmp / "htpasswd"
    htpasswd.write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")  # nginx's plain scheme, for the test
    site = SITE.format(proxy_port=proxy_port, serve_port=serve_port, htpasswd=htpasswd)
    conf = tmp / "nginx.conf"
    temp = {name: tmp / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir()
    conf.write_text(
        # Workers as the test's own user: the files are under a private temporary directory.
        f"{'user root;' if os.geteuid() == 0 else ''}\n"
        f"worker_processes 1;\ndaemon off;\npid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'error.log'};\nevents {{}}\nhttp {{\n"
        f"access_log {tmp / 'access.log'};\n"
        f"client_body_temp_path {temp['body']};\nproxy_temp_path {temp['proxy']};\n"
        f"fastcgi_temp_path {temp['fastcgi']};\nuwsgi_temp_path {temp['uwsgi']};\n"
        f"scgi_temp_path {temp['scgi']};\n{site}\n}}\n"
    )
    return conf


def status_of(url: str, auth: str | None = None) -> int:
    request = urllib.request.Request(url)
    if auth:
        request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except urllib.error.URLError:
        return 0  # not listening yet


def test_behind_nginx_basic_auth_the_console_works_only_with_credentials(tmp_path: Path) -> None:
    assert NGINX is not None and CHROMIUM is not None and sync_playwright is not None
    proxy_port = free_port()
    public = f"http://127.0.0.1:{proxy_port}"
    with serve(tmp_path, ["--public-url", public, "--demo", "--seed", "6", "--calls", "20"]) as url:
        serve_port = int(url.rstrip("/").rsplit(":", 1)[1])
        conf = nginx_conf(tmp_path, proxy_port, serve_port)
        nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(tmp_path)])
        try:
            deadline = time.monotonic() + 20
            while status_of(public + "/") != 401:
                assert time.monotonic() < deadline, "nginx did not come up"
                time.sleep(0.1)
            assert status_of(public + "/", f"{USER}:wrong") == 401
            assert status_of(public + "/", f"{USER}:{PASSWORD}") == 200
            with sync_playwright() as playwright:
                context = playwright.chromium.launch_persistent_context(
                    str(tmp_path / "chromium-profile"),
                    executable_path=CHROMIUM,
                    headless=True,
                    args=CHROMIUM_ARGS,
                    http_credentials={"username": USER, "password": PASSWORD},
                )
                try:
                    page = context.pages[0] if context.pages else context.new_page()
                    page.add_init_script(KEEP_TERMINAL)
                    page.goto(public + "/", wait_until="domcontentloaded")
                    screen = ""
                    deadline = time.monotonic() + 60
                    while "LIVE" not in screen:
                        assert time.monotonic() < deadline, f"no live table:\n{screen}"
                        time.sleep(0.25)
                        screen = page.evaluate(READ_SCREEN)
                finally:
                    context.close()
            log = (tmp_path / "access.log").read_text()
            assert f"{USER} [" in log and '"GET /ws?' in log and '" 101 ' in log
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)
