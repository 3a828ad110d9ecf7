"""A small OpenAI-compatible HTTP server in front of any Arbor backend.

It lets a local model directory be reached the way vLLM's server is (`/v1/completions`,
`/v1/chat/completions`, `/v1/models`), e.g. to point Arbor at a model on another machine, and
it is the real server the OpenAI backend is tested against. Standard library only; one request
at a time reaches the model (the backend's lock), others wait in their threads.

    python -m workers.openai_server --model DIR --host 127.0.0.1 --port 8001
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from workers.backends.base import (
    Backend,
    BackendConfig,
    BackendError,
    Completion,
    GenerationRequest,
    TokenLogprob,
)

logger = logging.getLogger(__name__)

MAX_N = 128
MAX_TOP_LOGPROBS = 20
MAX_BODY_BYTES = 8 * 1024 * 1024
# OpenAI's legacy completions default to 16 tokens; chat has no documented default, and a
# whole step or answer needs more than 16.
DEFAULT_MAX_TOKENS = {"completions": 16, "chat": 256}


class BadRequest(Exception):
    """A request the server refuses with 400 and an OpenAI-style error body."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param


class OpenAIServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its backend and the model name it reports."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], backend: Backend, model_name: str) -> None:
        super().__init__(address, _Handler)
        self.backend = backend
        self.model_name = model_name


def serve(
    backend: Backend, host: str = "127.0.0.1", port: int = 8001, model_name: str | None = None
) -> tuple[OpenAIServer, threading.Thread]:
    """Start serving `backend` on host:port (0 picks a free port) in a daemon thread.

    Stop it with `server.shutdown()` then `server.server_close()`.
    """
    name = model_name or backend.config.model or backend.config.backend
    server = OpenAIServer((host, port), backend, name)
    thread = threading.Thread(target=server.serve_forever, name="openai-server", daemon=True)
    thread.start()
    return server, thread


class _Handler(BaseHTTPRequestHandler):
    server: OpenAIServer
    # Keep-alive, so clients reuse connections; every response carries Content-Length.
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path.rstrip("/") in ("/v1/models", "/models"):
            model = {
                "id": self.server.model_name,
                "object": "model",
                "created": int(time.time()),
                "owned_by": "arbor",
            }
            self._send(HTTPStatus.OK, {"object": "list", "data": [model]})
        else:
            self._error(HTTPStatus.NOT_FOUND, f"No route for GET {self.path}", "not_found_error")

    def do_POST(self) -> None:
        route = self.path.rstrip("/")
        kind = {
            "/v1/completions": "completions",
            "/completions": "completions",
            "/v1/chat/completions": "chat",
            "/chat/completions": "chat",
        }.get(route)
        if kind is None:
            self._error(HTTPStatus.NOT_FOUND, f"No route for POST {self.path}", "not_found_error")
            return
        try:
            body = self._read_json()
            request, top_logprobs = parse_request(body, kind)
            completions = self.server.backend.generate(request)
        except BadRequest as error:
            self._error(HTTPStatus.BAD_REQUEST, error.message, param=error.param)
            return
        except BackendError as error:
            # What a backend refuses at generation time is the request's fault (too long).
            self._error(HTTPStatus.BAD_REQUEST, str(error))
            return
        except Exception:
            logger.exception("Generation failed")
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, "Generation failed.", "server_error")
            return
        usage = _usage(self.server.backend, request.prompt, completions)
        if kind == "completions":
            payload = completions_response(self.server.model_name, completions, top_logprobs)
        else:
            payload = chat_response(self.server.model_name, completions, top_logprobs)
        self._send(HTTPStatus.OK, {**payload, "usage": usage})

    def _read_json(self) -> dict[str, Any]:
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise BadRequest("The request needs a Content-Length header.") from None
        if not 0 <= length <= MAX_BODY_BYTES:
            raise BadRequest(f"The request body must be at most {MAX_BODY_BYTES} bytes.")
        try:
            body = json.loads(self.rfile.read(length))
        except (ValueError, UnicodeDecodeError):
            raise BadRequest("The request body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise BadRequest("The request body must be a JSON object.")
        return body

    def _send(self, status: HTTPStatus, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(
        self,
        status: HTTPStatus,
        message: str,
        kind: str = "invalid_request_error",
        param: str | None = None,
    ) -> None:
        error = {"message": message, "type": kind, "param": param, "code": None}
        self._send(status, {"error": error})

    def log_message(self, format: str, *args: Any) -> None:
        # The stdlib writes every request to stderr; route it through logging instead.
        logger.debug("%s - " + format, self.address_string(), *args)


def parse_request(body: dict[str, Any], kind: str) -> tuple[GenerationRequest, int | None]:
    """The GenerationRequest a completions or chat body asks for, and how many top logprobs
    the response should list per token (None: no logprobs at all). Raises BadRequest."""
    if body.get("stream"):
        raise BadRequest("Streaming is not supported by this server.", "stream")
    if kind == "completions":
        prompt = _prompt(body.get("prompt"))
        top = _optional_int(body, "logprobs", 0, MAX_TOP_LOGPROBS)
        max_tokens = _int(body, "max_tokens", DEFAULT_MAX_TOKENS[kind], 1, None)
    else:
        prompt = _chat_prompt(body.get("messages"))
        wanted = body.get("logprobs", False)
        if not isinstance(wanted, bool):
            raise BadRequest("logprobs must be true or false.", "logprobs")
        top = _int(body, "top_logprobs", 0, 0, MAX_TOP_LOGPROBS) if wanted else None
        key = "max_completion_tokens" if body.get("max_completion_tokens") is not None else None
        max_tokens = _int(body, key or "max_tokens", DEFAULT_MAX_TOKENS[kind], 1, None)
    request = GenerationRequest(
        prompt=prompt,
        n=_int(body, "n", 1, 1, MAX_N),
        max_tokens=max_tokens,
        temperature=_float(body, "temperature", 1.0, 0.0, 2.0),
        top_p=_float(body, "top_p", 1.0, 0.0, 1.0),
        stop=_stop(body.get("stop")),
        seed=_optional_int(body, "seed", None, None),
        # The chosen token's logprob needs at least one alternative computed.
        logprobs=0 if top is None else max(top, 1),
    )
    if request.top_p == 0:
        raise BadRequest("top_p must be greater than 0.", "top_p")
    return request, top


def _prompt(value: Any) -> str:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, str):
        raise BadRequest("prompt is required and must be one string.", "prompt")
    return value


def _chat_prompt(messages: Any) -> str:
    """The concatenated message contents (blank-line separated): this server has no chat
    template, the model continues the text as it stands."""
    if not isinstance(messages, list) or not messages:
        raise BadRequest("messages is required and must be a non-empty list.", "messages")
    parts = []
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list):  # content parts: keep the text ones
            content = "".join(
                part.get("text", "")
                for part in content
                if isinstance(part, dict) and part.get("type") == "text"
            )
        if not isinstance(content, str):
            raise BadRequest("Every message needs a text content.", "messages")
        parts.append(content)
    return "\n\n".join(parts)


def _stop(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(item for item in value if item)
    raise BadRequest("stop must be a string or a list of strings.", "stop")


def _int(body: dict[str, Any], key: str, default: int, low: int, high: int | None) -> int:
    value = _optional_int(body, key, low, high)
    return default if value is None else value


def _optional_int(body: dict[str, Any], key: str, low: int | None, high: int | None) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    # JSON true/false arrive as bool, which Python counts as int.
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{key} must be an integer.", key)
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"at least {low}" if high is None else f"between {low} and {high}"
        raise BadRequest(f"{key} must be {bounds}.", key)
    return value


def _float(body: dict[str, Any], key: str, default: float, low: float, high: float) -> float:
    value = body.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadRequest(f"{key} must be a number.", key)
    if not low <= value <= high:
        raise BadRequest(f"{key} must be between {low} and {high}.", key)
    return float(value)


def _top(token: TokenLogprob, k: int) -> list[tuple[str, float]]:
    return sorted(token.top.items(), key=lambda item: -item[1])[:k]


def completions_response(
    model: str, completions: Sequence[Completion], top_logprobs: int | None
) -> dict[str, Any]:
    """The body of a `/v1/completions` answer (without usage)."""
    choices = []
    for index, completion in enumerate(completions):
        logprobs = None
        if top_logprobs is not None and completion.logprobs is not None:
            offsets, offset = [], 0
            for token in completion.logprobs:
                offsets.append(offset)
                offset += len(token.token)
            logprobs = {
                "tokens": [token.token for token in completion.logprobs],
                "token_logprobs": [token.logprob for token in completion.logprobs],
                "top_logprobs": [dict(_top(token, top_logprobs)) for token in completion.logprobs],
                "text_offset": offsets,
            }
        choices.append(
            {
                "index": index,
                "text": completion.text,
                "logprobs": logprobs,
                "finish_reason": completion.finish_reason,
                "stop_reason": completion.stop_reason,
            }
        )
    return {
        "id": f"cmpl-{uuid.uuid4().hex}",
        "object": "text_completion",
        "created": int(time.time()),
        "model": model,
        "choices": choices,
    }


def chat_response(
    model: str, completions: Sequence[Completion], top_logprobs: int | None
) -> dict[str, Any]:
    """The body of a `/v1/chat/completions` answer (without usage)."""
    choices = []
    for index, completion in enumerate(completions):
        logprobs = None
        if top_logprobs is not None and completion.logprobs is not None:
            logprobs = {
                "content": [
                    {
                        **_chat_token(token.token, token.logprob),
                        "top_logprobs": [
                            _chat_token(text, value) for text, value in _top(token, top_logprobs)
                        ],
                    }
                    for token in completion.logprobs
                ]
            }
        choices.append(
            {
                "index": index,
                "message": {"role": "assistant", "content": completion.text},
                "logprobs": logprobs,
                "finish_reason": completion.finish_reason,
                "stop_reason": completion.stop_reason,
            }
        )
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": choices,
    }


def _chat_token(text: str, logprob: float) -> dict[str, Any]:
    return {"token": text, "logprob": logprob, "bytes": list(text.encode())}


def _usage(backend: Backend, prompt: str, completions: Sequence[Completion]) -> dict[str, int]:
    count_tokens = getattr(backend, "count_tokens", None)
    prompt_tokens = count_tokens(prompt) if callable(count_tokens) else 0
    completion_tokens = sum(completion.token_count for completion in completions)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: serve a local model directory (or the demo reasoner) until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="", help="local model directory")
    parser.add_argument("--backend", choices=["transformers", "demo"], default="transformers")
    parser.add_argument("--device", default="auto", help="cpu, cuda or auto")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--served-model-name", default=None, help="name in /v1/models")
    args = parser.parse_args(argv)
    if args.backend == "transformers" and not args.model:
        parser.error("--model DIR is required with the transformers backend")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    # The backends read their knobs (demo model directory, torch threads) from the settings.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")

    from workers.backends import get_backend

    config = BackendConfig(backend=args.backend, model=args.model, device=args.device)
    try:
        backend = get_backend(config)
    except BackendError as error:
        parser.exit(1, f"{error}\n")
    server, thread = serve(backend, args.host, args.port, args.served_model_name)
    host, port = server.server_address[:2]
    logger.info("Serving %s at http://%s:%s/v1", server.model_name, host, port)
    try:
        thread.join()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        backend.close()


if __name__ == "__main__":
    main()
