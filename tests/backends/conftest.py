"""A tiny random GPT-2 built locally (no downloads), and backends and servers around it."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.tiny_model import build_tiny_gpt2, one_torch_thread
from workers.backends.base import BackendConfig

SENTENCES = [
    "Step 1: add two and three.",
    "Step 2: two plus three is five.",
    "The answer is 5.",
    "Let us think step by step.\n\nFirst, 2 + 3 = 5.\nSo the answer is \\boxed{5}.",
    "Wait, that is wrong. Let me check again.",
]


@pytest.fixture(autouse=True)
def _one_torch_thread() -> Iterator[None]:
    """Every backend test runs with one torch thread (see tests.tiny_model)."""
    with one_torch_thread():
        yield


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer, 32-wide GPT-2 with a byte-level BPE tokenizer trained on a few sentences."""
    return build_tiny_gpt2(tmp_path_factory.mktemp("tiny-gpt2"), SENTENCES)


@pytest.fixture(scope="session")
def tiny_backend(tiny_model_dir: Path) -> Any:
    """One TransformersBackend on the tiny model, shared by the whole session."""
    from workers.backends.transformers_backend import TransformersBackend

    return TransformersBackend(
        BackendConfig(backend="transformers", model=str(tiny_model_dir), device="cpu")
    )


@pytest.fixture(scope="session")
def tiny_server(tiny_backend: Any) -> Iterator[str]:
    """The OpenAI-compatible server on the tiny backend; yields its base URL (…/v1)."""
    from workers.openai_server import serve

    server, thread = serve(tiny_backend, "127.0.0.1", 0, model_name="tiny")
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}/v1"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class StubEndpoint:
    """A loopback HTTP server that answers POSTs from a script of (status, body) pairs, the
    last one repeating, and records what it was sent."""

    def __init__(self, script: list[tuple[int, Any]]) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                stub.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": json.loads(self.rfile.read(length) or b"null"),
                    }
                )
                status, body = stub.script.pop(0) if len(stub.script) > 1 else stub.script[0]
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        host, port = self.server.server_address[:2]
        self.base_url = f"http://{host}:{port}/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub_endpoint() -> Iterator[Callable[[list[tuple[int, Any]]], StubEndpoint]]:
    """Makes StubEndpoints and closes them after the test."""
    made: list[StubEndpoint] = []

    def make(script: list[tuple[int, Any]]) -> StubEndpoint:
        made.append(StubEndpoint(script))
        return made[-1]

    yield make
    for stub in made:
        stub.close()
