"""A gunicorn process of this project for tests and benchmarks that need real servers: one
worker on a given database and cache, and a small cookie-keeping HTTP client to talk to it."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One gunicorn process (one worker) on the test database and the shared cache."""

    def __init__(self, database_url: str, cache_url: str):
        self.port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CACHE_URL": cache_url,
            "DJANGO_DEBUG": "true",  # static files from the finders: no collectstatic needed
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "umbrella.wsgi", "--workers=1", f"--bind=127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.cookies: dict[str, str] = {}
        for _ in range(150):  # until it answers (a few seconds on a busy machine)
            try:
                self.request("GET", "/")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn on port {self.port} did not start")

    def request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}{path}",
            }
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.getheader("Location"), response.read().decode()

    def log_in(self, username: str, password: str) -> None:
        _, _, page = self.request("GET", "/accounts/login/")
        token = csrf_token(page)
        form = {"username": username, "password": password, "csrfmiddlewaretoken": token}
        status, _, _ = self.request("POST", "/accounts/login/", form)
        assert status == 302, "the log-in was refused"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def database_url(settings_dict: dict) -> str:
    """The URL of Django's current database (the test database during tests)."""
    host = urllib.parse.quote(settings_dict["HOST"] or "127.0.0.1", safe="")
    return (
        f"postgres://{settings_dict['USER']}@{host}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    )


def change_title(server: Server, umbrella, title: str) -> None:
    """Rename the project through its settings form on `server` (logged in as an owner);
    `umbrella` holds the version and question the form was opened with."""
    path = f"/u/{umbrella.slug}/settings/"
    form = {
        "csrfmiddlewaretoken": csrf_token(server.request("GET", path)[2]),
        "version": umbrella.version,
        "title": title,
        "question": umbrella.question,
    }
    status, _, _ = server.request("POST", path, form)
    assert status == 302, "the settings form did not save"
