"""A real server for the page benchmarks: gunicorn with production settings, loopback only."""

import os
import runpy
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def venv_python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def production_environment(database_url: str) -> dict:
    """Production settings over plain http on 127.0.0.1, with a per-process cache (no Redis)."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(48),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
    )
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def production_workers() -> int:
    """The workers gunicorn.conf.py gives this machine, read from the file itself."""
    return int(runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"])


# gunicorn's own time for each request, from its headers being read to the last byte sent (%(D)s, in
# microseconds): the server time, without the wait for a free worker before it.
ACCESS_LOG_FORMAT = "%(m)s %(U)s %(s)s %(D)s"


def start_gunicorn(env: dict, port: int, workers: int | None = None, access_log: Path | None = None
                   ) -> subprocess.Popen:
    """gunicorn as production runs it (gunicorn.conf.py), on loopback. `workers` overrides the file."""
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    command = [
        str(gunicorn) if gunicorn.exists() else "gunicorn",
        "config.wsgi:application",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--access-logfile",
        str(access_log) if access_log else "/dev/null",
        "--access-logformat",
        ACCESS_LOG_FORMAT,
    ]
    if workers:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {process.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start within a minute")
