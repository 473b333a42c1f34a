"""``pim`` as its own process: what reaches the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
