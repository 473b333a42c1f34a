"""``pim`` as its own process: what reaches the terminal."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_the_embedded_servers_runtime_dir_warning_stays_quiet(tmp_path):
    # Without DATABASE_URL the command loads the embedded PostgreSQL, whose
    # lock-file lookup warns when XDG_RUNTIME_DIR is unset. The data folder
    # is a file here, so the command stops right after that, with an error.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "XDG_RUNTIME_DIR", "PYTHONWARNINGS")
    }
    env["PIM_DATA_DIR"] = str(blocked)
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from api.cli import main; sys.exit(main())"]
        + ["migrate"],
        check=False,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Warning" not in done.stderr
    assert done.stderr.startswith("error: FileExistsError: ")
    assert done.stderr.count("\n") == 1


def _pim(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import sys; from api.cli import main; sys.exit(main())"]
        + args,
        check=False,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def embedded_data(tmp_path):
    """A data folder for an embedded server, whose server is stopped after."""
    data = tmp_path / "data"
    yield data
    pid_file = data / "pgdata" / "postmaster.pid"
    if pid_file.exists():  # the test failed before stopping it
        with contextlib.suppress(ValueError, OSError):
            os.kill(int(pid_file.read_text().split("\n", 1)[0]), signal.SIGINT)


def test_db_stop_stops_the_embedded_server_a_command_left_running(embedded_data):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PIM_DATA_DIR"] = str(embedded_data)
    pid_file = embedded_data / "pgdata" / "postmaster.pid"

    assert _pim(["migrate"], env).returncode == 0
    assert pid_file.exists(), "the embedded server keeps running after a command"

    stopped = _pim(["db", "stop"], env)
    assert stopped.returncode == 0, stopped.stderr
    assert stopped.stdout.startswith("stopped the embedded PostgreSQL")
    assert not pid_file.exists()

    again = _pim(["db", "stop"], env)
    assert again.returncode == 0
    assert "is not running" in again.stdout


def test_db_stop_refuses_an_external_server():
    env = dict(os.environ, DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    done = _pim(["db", "stop"], env)
    assert done.returncode == 1
    assert done.stderr == (
        "error: DATABASE_URL names an external server; stop it the way it was "
        "started. (database_not_embedded)\n"
    )


def test_serving_on_a_taken_port_fails_in_one_line_before_any_work():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        env = dict(os.environ, DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
        done = _pim(["serve", "--port", str(port)], env)
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: cannot serve on 127.0.0.1:{port}: ")
    assert done.stderr.endswith("choose another with --port. (address_in_use)\n")


@pytest.mark.parametrize("command", ["serve", "demo"])
@pytest.mark.parametrize("port", ["0", "99999", "abc"])
def test_a_port_outside_1_to_65535_is_refused_by_the_parser(command, port, capsys):
    from api.cli import main

    with pytest.raises(SystemExit) as exited:
        main(
            [command, "--no-serve", "--port", port]
            if command == "demo"
            else [command, "--port", port]
        )
    assert exited.value.code == 2
    assert f"{port!r} is not a port from 1 to 65535" in capsys.readouterr().err


def test_db_stop_stops_the_server_even_after_a_killed_command(embedded_data):
    # A command killed outright never tells the embedded server it is gone.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PIM_DATA_DIR"] = str(embedded_data)
    pid_file = embedded_data / "pgdata" / "postmaster.pid"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-c", "import sys; from api.cli import main; sys.exit(main())"]
        + ["serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        else:
            raise AssertionError("the server never started listening")
    finally:
        server.kill()
        server.wait(timeout=30)
    assert pid_file.exists()

    stopped = _pim(["db", "stop"], env)
    assert stopped.returncode == 0, stopped.stderr
    assert not pid_file.exists()
