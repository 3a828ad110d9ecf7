"""Parsers for problem import files (JSONL): GSM8K, MATH, sampled solutions, PRM800K.

`parse_lines` validates every line and yields either a `ProblemRecord` or a `LineError`
naming the line and the field; it never raises on bad input, so a caller can report every
error in a file before importing any of it. Formats by example: shared/FORMATS.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from trees.core.answers import (
    ANSWER_TYPES,
    grade,
    last_boxed,
    normalize_number,
    parse_gsm8k_answer,
)
from trees.core.steps import normalize_step, split_steps

FORMATS = ("gsm8k", "math", "solutions", "prm800k")


@dataclass
class ImportedStep:
    text: str
    rating: int | None = None  # -1/0/1 from PRM800K
    flagged: bool = False


@dataclass
class ImportedPath:
    steps: list[ImportedStep]
    source: str = ""  # model name or "prm800k"
    labeler: str | None = None  # PRM800K labeler id; ratings in steps belong to it
    claimed_correct: bool | None = None  # the source's own verdict (solutions' is_correct)
    extracted_answer: str | None = None
    correct: bool | None = None  # Arbor's verifier verdict vs reference (never trust claimed)
    terminal: bool = True  # the last step is a final answer (it states one, or the format says)


@dataclass
class ProblemRecord:
    line: int  # 1-based line number in the file
    external_id: str
    statement: str
    reference_answer: str
    reference_solution: str = ""
    answer_type: str = "numeric"  # numeric | expression | choice | text
    subject: str = ""
    difficulty: str = ""
    source: str = ""  # "gsm8k", "math", "solutions", "prm800k"
    metadata: dict[str, Any] = field(default_factory=dict)
    paths: list[ImportedPath] = field(default_factory=list)


@dataclass
class LineError:
    line: int
    message: str


@dataclass(frozen=True)
class ImportLimits:
    max_statement_chars: int = 50_000
    max_step_chars: int = 20_000
    max_steps_per_path: int = 500
    max_paths_per_problem: int = 1_000
    max_id_chars: int = 200
    max_line_chars: int = 10_000_000


DEFAULT_LIMITS = ImportLimits()

# PRM800K fields kept on the problem's metadata (scalars only).
_PRM800K_METADATA = (
    "generation",
    "timestamp",
    "is_quality_control_question",
    "is_initial_screening_question",
)


class _Invalid(Exception):
    """A line fails validation; the message names the field."""


def content_external_id(source: str, text: str) -> str:
    """A stable id from content: `<source>-` + 16 hex chars of sha256 of the normalised text."""
    digest = hashlib.sha256(normalize_step(text).encode("utf-8")).hexdigest()
    return f"{source}-{digest[:16]}"


def parse_lines(
    fmt: str,
    lines: Iterable[str | bytes],
    limits: ImportLimits = DEFAULT_LIMITS,
    *,
    last_number: bool = False,
) -> Iterator[ProblemRecord | LineError]:
    """Parse JSONL lines in format `fmt` (one of FORMATS), yielding a record or an error per line.

    Blank lines are skipped but counted. Bytes are decoded as UTF-8 here, so pass lines read
    in binary mode to get a decoding error reported against its line. Raises ValueError only
    for an unknown format, and does so at once, not on first iteration. `last_number` lets a
    solution's last step that states no answer be graded by its last number (the campaign's
    `last_number_answers`); off, such a solution ends in a plain step, not an answer.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown import format {fmt!r}; expected one of {FORMATS}")
    parser = _PARSERS[fmt]
    if fmt == "solutions" and last_number:
        parser = partial(_parse_solutions, last_number=True)
    return _parse_lines(parser, lines, limits)


@dataclass
class ClaimCounts:
    """How the sources' own verdicts (`is_correct`) compare with Arbor's verifier, per solution:
    `unverified` claims are on solutions that state no answer Arbor could grade."""

    agree: int = 0
    disagree: int = 0
    unverified: int = 0

    def add(self, paths: Iterable[ImportedPath]) -> None:
        for path in paths:
            if path.claimed_correct is None:
                continue
            if path.correct is None:
                self.unverified += 1
            elif path.correct == path.claimed_correct:
                self.agree += 1
            else:
                self.disagree += 1

    def as_dict(self) -> dict[str, int]:
        return {"agree": self.agree, "disagree": self.disagree, "unverified": self.unverified}


def _parse_lines(
    parser: Callable[[int, dict[str, Any], ImportLimits], ProblemRecord],
    lines: Iterable[str | bytes],
    limits: ImportLimits,
) -> Iterator[ProblemRecord | LineError]:
    for number, raw in enumerate(lines, 1):
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                yield LineError(number, f"invalid UTF-8 at byte {error.start}")
                continue
        if number == 1:
            raw = raw.removeprefix("\ufeff")
        if not raw.strip():
            continue
        if len(raw) > limits.max_line_chars:
            yield LineError(number, _too_long("line", len(raw), limits, "max_line_chars"))
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as error:
            yield LineError(number, f"invalid JSON: {error.msg} (column {error.colno})")
            continue
        except RecursionError:
            yield LineError(number, "invalid JSON: nested too deeply")
            continue
        if not isinstance(obj, dict):
            yield LineError(number, f"expected a JSON object, got {_type_name(obj)}")
            continue
        try:
            record = parser(number, obj, limits)
        except _Invalid as error:
            yield LineError(number, str(error))
            continue
        yield record


def group_records(records: Iterable[ProblemRecord]) -> list[ProblemRecord]:
    """Merge records with the same external_id, concatenating their paths in order.

    The first record's fields win. Used for PRM800K, where many lines label one problem.
    The input records are not modified.
    """
    merged: dict[str, ProblemRecord] = {}
    for record in records:
        first = merged.get(record.external_id)
        if first is None:
            merged[record.external_id] = replace(
                record, paths=list(record.paths), metadata=dict(record.metadata)
            )
        else:
            first.paths.extend(record.paths)
    return list(merged.values())


# -- field validation -------------------------------------------------------------------------


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _name(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key


def _too_long(
    subject: str, size: int, limits: ImportLimits, limit_name: str, noun: str = "characters"
) -> str:
    limit = getattr(limits, limit_name)
    return f"{subject} has {size:,} {noun}, more than the limit of {limit:,} ({limit_name})"


def _require(obj: dict[str, Any], key: str, parent: str = "") -> Any:
    value = obj.get(key)
    if value is None:
        state = "is null" if key in obj else "is missing"
        raise _Invalid(f'field "{_name(parent, key)}" {state}')
    return value


def _check_text(
    value: Any, name: str, limits: ImportLimits, limit_name: str, *, expected: str = "a string"
) -> str:
    if not isinstance(value, str):
        raise _Invalid(f'field "{name}" must be {expected}, got {_type_name(value)}')
    if not value.strip():
        raise _Invalid(f'field "{name}" is empty')
    if len(value) > getattr(limits, limit_name):
        raise _Invalid(_too_long(f'field "{name}"', len(value), limits, limit_name))
    return value.strip()


def _text(
    obj: dict[str, Any], key: str, limits: ImportLimits, limit_name: str, parent: str = ""
) -> str:
    return _check_text(_require(obj, key, parent), _name(parent, key), limits, limit_name)


def _optional_text(obj: dict[str, Any], key: str, parent: str = "") -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Invalid(f'field "{_name(parent, key)}" must be a string, got {_type_name(value)}')
    return value.strip()


def _optional_bool(obj: dict[str, Any], key: str, parent: str = "") -> bool | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, bool):
        name = _name(parent, key)
        raise _Invalid(f'field "{name}" must be true, false or null, got {_type_name(value)}')
    return value


def _object(obj: dict[str, Any], key: str, parent: str = "") -> dict[str, Any]:
    value = _require(obj, key, parent)
    if not isinstance(value, dict):
        name = _name(parent, key)
        raise _Invalid(f'field "{name}" must be an object, got {_type_name(value)}')
    return value


def _array(obj: dict[str, Any], key: str, parent: str = "") -> list[Any]:
    value = _require(obj, key, parent)
    if not isinstance(value, list):
        name = _name(parent, key)
        raise _Invalid(f'field "{name}" must be an array, got {_type_name(value)}')
    return value


def _id(obj: dict[str, Any], key: str, limits: ImportLimits) -> str | None:
    """An id given as a string or an integer; None when absent or null."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Invalid(f'field "{key}" must be a string or an integer, got {_type_name(value)}')
    return _check_text(str(value), key, limits, "max_id_chars")


def _answer_text(obj: dict[str, Any], key: str, limits: ImportLimits, parent: str = "") -> str:
    """A reference answer: a string, or a JSON number taken as written."""
    value = _require(obj, key, parent)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    return _check_text(value, _name(parent, key), limits, "max_step_chars")


def _count(items: list[Any], name: str, limits: ImportLimits, limit_name: str, noun: str) -> None:
    if len(items) > getattr(limits, limit_name):
        raise _Invalid(_too_long(f'field "{name}"', len(items), limits, limit_name, noun))


def _answer_type_of(reference: str) -> str:
    return "numeric" if normalize_number(reference) is not None else "expression"


# -- formats ----------------------------------------------------------------------------------


def _parse_gsm8k(line: int, obj: dict[str, Any], limits: ImportLimits) -> ProblemRecord:
    question = _text(obj, "question", limits, "max_statement_chars")
    answer = _text(obj, "answer", limits, "max_statement_chars")
    try:
        reference, solution = parse_gsm8k_answer(answer)
    except ValueError as error:
        raise _Invalid(f'field "answer" has {error}') from None
    return ProblemRecord(
        line=line,
        external_id=_id(obj, "id", limits) or content_external_id("gsm8k", question),
        statement=question,
        reference_answer=reference,
        reference_solution=solution,
        answer_type="numeric",
        source="gsm8k",
    )


def _parse_math(line: int, obj: dict[str, Any], limits: ImportLimits) -> ProblemRecord:
    problem = _text(obj, "problem", limits, "max_statement_chars")
    solution = _text(obj, "solution", limits, "max_statement_chars")
    # MATH-500 style lines carry "answer", "subject" and an integer "level" beside the solution.
    if obj.get("answer") is not None:
        reference = _answer_text(obj, "answer", limits)
    else:
        reference = last_boxed(solution) or ""
        if not reference:
            raise _Invalid('field "solution" has no \\boxed{} final answer')
        if len(reference) > limits.max_step_chars:
            subject = 'the \\boxed{} answer in field "solution"'
            raise _Invalid(_too_long(subject, len(reference), limits, "max_step_chars"))
    level = obj.get("level")
    if isinstance(level, int) and not isinstance(level, bool):
        difficulty = f"Level {level}"
    else:
        difficulty = _optional_text(obj, "level")
    external_id = _id(obj, "id", limits) or _id(obj, "unique_id", limits)
    return ProblemRecord(
        line=line,
        external_id=external_id or content_external_id("math", problem),
        statement=problem,
        reference_answer=reference,
        reference_solution=solution,
        answer_type="expression",
        subject=_optional_text(obj, "type") or _optional_text(obj, "subject"),
        difficulty=difficulty,
        source="math",
    )


def _solution_steps(solution: dict[str, Any], name: str, limits: ImportLimits) -> list[str]:
    """A solution's steps, from "steps" (preferred when both are given) or from "text"."""
    if solution.get("steps") is not None:
        steps = _array(solution, "steps", name)
        _count(steps, f"{name}.steps", limits, "max_steps_per_path", "steps")
        return [
            _check_text(step, f"{name}.steps[{j}]", limits, "max_step_chars")
            for j, step in enumerate(steps)
        ]
    text = solution.get("text")
    if text is None:
        raise _Invalid(f'field "{name}" has neither "text" nor "steps"')
    if not isinstance(text, str):
        raise _Invalid(f'field "{name}.text" must be a string, got {_type_name(text)}')
    steps = split_steps(text, "line")
    if not steps:
        raise _Invalid(f'field "{name}.text" is empty')
    _count(steps, f"{name}.text", limits, "max_steps_per_path", "steps")
    for j, step in enumerate(steps, 1):
        if len(step) > limits.max_step_chars:
            subject = f'line {j} of field "{name}.text"'
            raise _Invalid(_too_long(subject, len(step), limits, "max_step_chars"))
    return [step.strip() for step in steps]


def _parse_solutions(
    line: int, obj: dict[str, Any], limits: ImportLimits, *, last_number: bool = False
) -> ProblemRecord:
    external_id = _id(obj, "id", limits)
    if external_id is None:
        raise _Invalid('field "id" is missing')
    question = _text(obj, "question", limits, "max_statement_chars")
    reference = _answer_text(obj, "answer", limits)
    answer_type = obj.get("answer_type") or _answer_type_of(reference)
    if answer_type not in ANSWER_TYPES:
        raise _Invalid(f'field "answer_type" must be one of {", ".join(ANSWER_TYPES)}')
    metadata = obj.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise _Invalid(f'field "metadata" must be an object, got {_type_name(metadata)}')
    solutions = _array(obj, "solutions")
    _count(solutions, "solutions", limits, "max_paths_per_problem", "solutions")
    paths = []
    for i, solution in enumerate(solutions):
        name = f"solutions[{i}]"
        if not isinstance(solution, dict):
            raise _Invalid(f'field "{name}" must be an object, got {_type_name(solution)}')
        steps = _solution_steps(solution, name, limits)
        # The last step is the answer only when it states one: a solution cut off mid-line
        # (`… = $<<41.472+8.`) ends in a plain step. Graded on that step's own text, as an
        # edit of it is later, so the verdict belongs to the text it judged.
        last = steps[-1] if steps else ""
        extracted, correct = grade(last, reference, answer_type, last_number=last_number)
        paths.append(
            ImportedPath(
                steps=[ImportedStep(text=step) for step in steps],
                source=_optional_text(solution, "model", name),
                claimed_correct=_optional_bool(solution, "is_correct", name),
                extracted_answer=extracted,
                correct=correct,
                terminal=extracted is not None,
            )
        )
    return ProblemRecord(
        line=line,
        external_id=external_id,
        statement=question,
        reference_answer=reference,
        answer_type=answer_type,
        subject=_optional_text(obj, "subject"),
        difficulty=_optional_text(obj, "difficulty"),
        source="solutions",
        metadata=dict(metadata),
        paths=paths,
    )


def _completion(value: Any, name: str, limits: ImportLimits) -> ImportedStep:
    """A PRM800K completion (or a human completion, which may also be a bare string)."""
    if isinstance(value, str):
        return ImportedStep(text=_check_text(value, name, limits, "max_step_chars"))
    if not isinstance(value, dict):
        raise _Invalid(f'field "{name}" must be an object, got {_type_name(value)}')
    text = _text(value, "text", limits, "max_step_chars", name)
    rating = value.get("rating")
    if rating is not None and (
        isinstance(rating, bool) or not isinstance(rating, int) or rating not in (-1, 0, 1)
    ):
        raise _Invalid(f'field "{name}.rating" must be -1, 0, 1 or null, got {rating!r}')
    flagged = _optional_bool(value, "flagged", name)
    return ImportedStep(text=text, rating=rating, flagged=bool(flagged))


def _parse_prm800k(line: int, obj: dict[str, Any], limits: ImportLimits) -> ProblemRecord:
    question = _object(obj, "question")
    problem = _text(question, "problem", limits, "max_statement_chars", "question")
    reference_solution = _optional_text(question, "ground_truth_solution", "question")
    boxed = last_boxed(reference_solution)
    if question.get("ground_truth_answer") is None and boxed:
        reference = boxed  # Some lines give only the solution; its \boxed{} is the answer.
    else:
        reference = _answer_text(question, "ground_truth_answer", limits, "question")
    answer_type = _answer_type_of(reference)
    labeler = _optional_text(obj, "labeler") or "prm800k"
    label = _object(obj, "label")
    finish_reason = _optional_text(label, "finish_reason", "label")
    steps = _array(label, "steps", "label")
    _count(steps, "label.steps", limits, "max_steps_per_path", "steps")

    # The chosen path runs through every step; each completion not chosen at step i becomes
    # its own path, the chosen prefix plus that completion, so merging by shared prefix makes
    # the alternatives siblings of the chosen step.
    chosen_steps: list[ImportedStep] = []
    alternatives: list[ImportedPath] = []
    stopped_early = False
    for i, step in enumerate(steps):
        name = f"label.steps[{i}]"
        if not isinstance(step, dict):
            raise _Invalid(f'field "{name}" must be an object, got {_type_name(step)}')
        completions = [
            _completion(value, f"{name}.completions[{j}]", limits)
            for j, value in enumerate(_array(step, "completions", name))
        ]
        chosen = step.get("chosen_completion")
        if chosen is not None and (
            isinstance(chosen, bool)
            or not isinstance(chosen, int)
            or not 0 <= chosen < len(completions)
        ):
            raise _Invalid(
                f'field "{name}.chosen_completion" must be null or an index into '
                f"{len(completions)} completions, got {chosen!r}"
            )
        for j, completion in enumerate(completions):
            if j != chosen:
                alternatives.append(
                    ImportedPath(
                        steps=[*chosen_steps, completion],
                        source="prm800k",
                        labeler=labeler,
                        terminal=False,
                    )
                )
        # Checked as paths accumulate: each copies its prefix, so a hostile line could
        # otherwise build millions of them before the final count.
        if len(alternatives) + 1 > limits.max_paths_per_problem:
            size = len(alternatives) + 1
            subject = 'field "label.steps"'
            raise _Invalid(_too_long(subject, size, limits, "max_paths_per_problem", "paths"))
        human = step.get("human_completion")
        if chosen is not None:
            chosen_steps.append(completions[chosen])
        elif human is not None:
            chosen_steps.append(_completion(human, f"{name}.human_completion", limits))
        else:
            stopped_early = True
            break

    paths: list[ImportedPath] = []
    if chosen_steps:
        terminal = finish_reason == "solution" and not stopped_early
        extracted, correct = (None, None)
        if terminal:
            # PRM800K says its last step is the answer (`# Answer` and the value below it), so
            # its last number may stand for the answer, unless the step was cut off.
            extracted, correct = grade(
                chosen_steps[-1].text, reference, answer_type, last_number=True
            )
        paths.append(
            ImportedPath(
                steps=chosen_steps,
                source="prm800k",
                labeler=labeler,
                extracted_answer=extracted,
                correct=correct,
                terminal=terminal,
            )
        )
    paths.extend(alternatives)

    metadata: dict[str, Any] = {
        key: obj[key]
        for key in _PRM800K_METADATA
        if isinstance(obj.get(key), str | int | float | bool)
    }
    metadata["finish_reason"] = finish_reason or None
    metadata["labeler"] = labeler
    return ProblemRecord(
        line=line,
        external_id=content_external_id("prm800k", problem),
        statement=problem,
        reference_answer=reference,
        reference_solution=reference_solution,
        answer_type=answer_type,
        source="prm800k",
        metadata=metadata,
        paths=paths,
    )


_PARSERS: dict[str, Callable[[int, dict[str, Any], ImportLimits], ProblemRecord]] = {
    "gsm8k": _parse_gsm8k,
    "math": _parse_math,
    "solutions": _parse_solutions,
    "prm800k": _parse_prm800k,
}
