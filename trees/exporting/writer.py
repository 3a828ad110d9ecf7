"""Streaming JSONL into a temporary file that becomes the export only when it is complete.

`AtomicJsonlWriter` writes rows with orjson into a hidden temporary file in the target's
directory, hashing as it goes; `commit` flushes it to disk and renames it over the target
(an atomic rename on one filesystem), `abort` removes it. A reader therefore sees the old file
or the whole new one, never a part. The manifest beside the data file is written the same way.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

TEMP_SUFFIX = ".part"


def manifest_path(data_path: Path) -> Path:
    """`<name>.manifest.json` beside `<name>.jsonl` (or beside `<name>` for other suffixes)."""
    stem = data_path.stem if data_path.suffix == ".jsonl" else data_path.name
    return data_path.with_name(f"{stem}.manifest.json")


def temp_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.{uuid.uuid4().hex}{TEMP_SUFFIX}")


def remove_stale_temps(target: Path) -> None:
    """Remove temporary files a killed earlier attempt at the same target left behind."""
    for stale in target.parent.glob(f".{target.name}.*{TEMP_SUFFIX}"):
        stale.unlink(missing_ok=True)


class AtomicJsonlWriter:
    """Rows to `target` as JSON lines, all or nothing. Use as a context manager: leaving it
    with an exception, or without `commit`, removes the temporary file."""

    def __init__(self, target: Path) -> None:
        self.target = Path(target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.temp = temp_path(self.target)
        self._handle = self.temp.open("wb")
        self._sha = hashlib.sha256()
        self.rows = 0
        self.bytes = 0
        self.committed = False

    def write_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        """Append rows (one orjson line each) in one write."""
        dumps = orjson.dumps
        option = orjson.OPT_APPEND_NEWLINE
        lines = [dumps(row, option=option) for row in rows]
        if not lines:
            return
        chunk = b"".join(lines)
        self._sha.update(chunk)
        self._handle.write(chunk)
        self.rows += len(lines)
        self.bytes += len(chunk)

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()

    def commit(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        os.replace(self.temp, self.target)
        self.committed = True

    def abort(self) -> None:
        if not self._handle.closed:
            self._handle.close()
        self.temp.unlink(missing_ok=True)

    def __enter__(self) -> AtomicJsonlWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self.committed:
            self.abort()


def write_json_atomically(target: Path, data: dict[str, Any]) -> None:
    """Write a JSON document (indented, keys in order) through a temporary file and rename."""
    temp = temp_path(target)
    try:
        with temp.open("wb") as handle:
            handle.write(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
