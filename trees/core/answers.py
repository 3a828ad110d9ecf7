"""Final-answer extraction and verification.

`extract_answer` finds the final answer a solution commits to; `answers_match` compares it with
the reference (gold first, as Math-Verify expects); `grade` does both, and is the one function
every text change of a step goes through. A text is an answer only when it states one (`#### x`,
`A: x`, `\\boxed{}`, "the answer is x", a `# Answer` heading); the last-number fallback is the
caller's explicit choice (a campaign's `last_number_answers`) and never reads text that was cut
off mid-way. Pure Python: Math-Verify (and so SymPy) is imported lazily, on the first comparison
that needs it.
"""

from __future__ import annotations

import math
import re
import signal
import threading
from fractions import Fraction
from typing import Any

ANSWER_TYPES = ("numeric", "expression", "choice", "text")

# Math-Verify has no timeout off the main thread, so long inputs are refused before parsing.
MAX_VERIFY_CHARS = 1000
# Exponents and factorial arguments beyond this are refused: SymPy would try to evaluate
# 10^{10^{10}} exactly and never return.
MAX_EXPONENT = 10_000
# Seconds allowed to Math-Verify when it can use signal.alarm (main thread only).
MATH_VERIFY_TIMEOUT_S = 5

_BOXED_RE = re.compile(r"\\(?:boxed|fbox)\s*")
_BOXED_TOKEN_RE = re.compile(r"[^\s$]+")
_GSM8K_RE = re.compile(r"####[ \t]*([^\n]*)")
_ANSWER_LINE_RE = re.compile(
    r"^[ \t]*(?:\*\*|__)?(?:final[ \t]+answer|answer|a)[ \t]*(?:\*\*|__)?[ \t]*:([^\n]*)$",
    re.IGNORECASE | re.MULTILINE,
)
_ANSWER_IS_RE = re.compile(
    r"\bthe[ \t]+(?:final[ \t]+)?answer[ \t]+is[ \t]*:?([^\n]*)", re.IGNORECASE
)
# PRM800K's solutions end with a Markdown heading and the answer on the lines below it.
_ANSWER_HEADING_RE = re.compile(
    r"^[ \t]*#{1,3}[ \t]*(?:final[ \t]+)?answer[ \t]*:?[ \t]*\n\s*(?!#)([^\n]+)",
    re.IGNORECASE | re.MULTILINE,
)
_SENTENCE_END_RE = re.compile(r"\.(?:\s|$)")
_NUMBER_IN_TEXT_RE = re.compile(
    r"(?<![\w.])[-\u2212]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:/\d+)?|\.\d+)"
)
_NUMBER_RE = re.compile(
    r"^(?P<sign>[-+]?)\s*"
    r"(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?(?:[eE][-+]?\d{1,3})?|\.\d+(?:[eE][-+]?\d{1,3})?)"
    r"(?:\s*/\s*(?P<den>\d+(?:\.\d+)?))?"
    # Trailing unit words ("dollars", "km/h") are ignored, but not "pi" or single letters.
    r"(?:\s+(?!pi\b|sqrt\b)[A-Za-z]{2,}(?:/[A-Za-z]+)?\.?)*$"
)
_LATEX_FRAC_RE = re.compile(
    r"^(?P<sign>[-+]?)\s*\\[dt]?frac\s*\{\s*(?P<num>[-+]?\d+(?:\.\d+)?)\s*\}"
    r"\s*\{\s*(?P<den>[-+]?\d+(?:\.\d+)?)\s*\}$"
)
_LATEX_TEXT_RE = re.compile(r"\\(?:text|textbf|textrm|mathrm|mbox)\s*\{([^{}]*)\}")
_CHOICE_PAREN_RE = re.compile(r"^\(([A-Za-z])\)(?:\s.*)?$", re.DOTALL)
_CHOICE_BARE_RE = re.compile(r"^([A-Za-z])(?:[.):](?:\s.*)?)?$", re.DOTALL)
_CHOICE_PREFIX_RE = re.compile(r"^(?:option|choice)\s+", re.IGNORECASE)


def last_boxed(text: str) -> str | None:
    """Return the content of the last `\\boxed{...}` (or `\\fbox{...}`) in `text`.

    Braces are matched with nesting, so `\\boxed{\\frac{1}{2}}` gives `\\frac{1}{2}`; escaped
    braces (`\\{`) do not count. `\\boxed 5` (no braces) gives `5`. None when there is none.
    """
    matches = list(_BOXED_RE.finditer(text))
    if not matches:
        return None
    closing = _matching_braces(text)
    for match in reversed(matches):
        start = match.end()
        if start < len(text) and text[start] == "{":
            end = closing.get(start)
            content = text[start + 1 : end] if end is not None else None
        else:
            token = _BOXED_TOKEN_RE.match(text, start)
            content = token.group(0) if token else None
        if content is not None and content.strip():
            return content.strip()
    return None


def _matching_braces(text: str) -> dict[int, int]:
    """Map each `{` that closes to the index of its `}`, in one pass (unclosed ones are absent).

    An escaped character, `\\{` included, never opens or closes a group.
    """
    closing: dict[int, int] = {}
    stack: list[int] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "{":
            stack.append(i)
        elif char == "}" and stack:
            closing[stack.pop()] = i
        i += 1
    return closing


def _clean_answer(value: str) -> str:
    """Strip markdown emphasis, a trailing full stop and surrounding `$` from an answer."""
    previous = None
    while value != previous:
        previous = value
        value = value.strip().strip("*").strip()
        if value.endswith(".") and not value.endswith(".."):
            value = value[:-1]
        if value.startswith("$") or value.endswith("$"):
            value = value.strip("$")
    return value


def explicit_answer(text: str) -> str | None:
    """The final answer the text states outright, or None.

    In order of priority: the last `\\boxed{...}`; GSM8K's `#### x`; the last line starting with
    `A:` / `Answer:` / `Final answer:` (case-insensitive); the line after the last `# Answer`
    heading (PRM800K); the last "the answer is x". Unlike
    `extract_answer` there is no last-number fallback, so a step that merely computes something
    is not mistaken for a final answer.
    """
    boxed = last_boxed(text)
    if boxed:
        return boxed
    for pattern in (_GSM8K_RE, _ANSWER_LINE_RE, _ANSWER_HEADING_RE):
        for match in reversed(list(pattern.finditer(text))):
            value = _clean_answer(match.group(1))
            if value:
                return value
    for match in reversed(list(_ANSWER_IS_RE.finditer(text))):
        value = _clean_answer(_SENTENCE_END_RE.split(match.group(1).strip(), maxsplit=1)[0])
        if value:
            return value
    return None


def extract_answer(text: str, *, last_number: bool = False) -> str | None:
    """Extract the final answer from a solution, or None if it commits to none.

    The stated answer (`explicit_answer`); with `last_number`, otherwise the last number in the
    text (`1,000`, `-3`, `2.5` and `3/4` are numbers), unless the text looks cut off mid-way
    (`looks_truncated`): `Tom buys 3 + 4 = <<3+4=7` states no answer even then.
    """
    stated = explicit_answer(text)
    if stated:
        return stated
    if not last_number or looks_truncated(text):
        return None
    numbers = _NUMBER_IN_TEXT_RE.findall(text)
    if numbers:
        return numbers[-1].replace("\u2212", "-")
    return None


_OPEN_CLOSE = (("(", ")"), ("[", "]"), ("{", "}"))
# A line that ends on one of these was cut off before its operand.
_DANGLING_END_RE = re.compile(r"[-+*/=^,(\[{\\\u00d7\u00f7<$]\s*$")


def looks_truncated(text: str) -> bool:
    """Whether `text` looks cut off mid-way: a GSM8K calculator annotation `<<...` left open,
    an unclosed bracket, or a last line that ends on an operator, `=`, `$` or `\\`.

    Used to refuse the last-number fallback on output that stopped early, so the 7 in
    `Tom buys 3 + 4 = <<3+4=7` or the 8 in `= $<<41.472+8.` is never taken for an answer.
    """
    stripped = text.rstrip()
    if not stripped:
        return False
    if stripped.rfind("<<") > stripped.rfind(">>"):
        return True
    if any(stripped.count(opener) > stripped.count(closer) for opener, closer in _OPEN_CLOSE):
        return True
    return _DANGLING_END_RE.search(stripped) is not None


def normalize_number(s: str) -> float | None:
    """Read `s` as a number, or None if it is not one.

    Tolerates `$`, `\\$`, `%`, thousands separators (`1,000`, `1{,}000`, `10\\!000`), a
    degree sign, `\\text{...}` wrappers, trailing unit words (`8 dollars`), fractions (`3/4`,
    `\\frac{3}{4}`) and the Unicode minus sign. Thousands groups must be well formed, so `1,2`
    (a pair) is not a number.
    """
    number = _exact_number(s)
    if number is None:
        return None
    try:
        result = float(number)
    except OverflowError:
        return None
    return result if math.isfinite(result) else None


def _exact_number(s: str) -> Fraction | None:
    """`normalize_number` without rounding: the value as a Fraction."""
    if not isinstance(s, str) or len(s) > MAX_VERIFY_CHARS:
        return None
    value = _LATEX_TEXT_RE.sub(r" \1 ", s)
    for old, new in (
        ("\\$", ""),
        ("$", ""),
        ("\\%", ""),
        ("%", ""),
        ("\\!", ""),
        ("{,}", ","),
        ("\\,", ""),
        ("^\\circ", ""),
        ("^{\\circ}", ""),
        ("\u00b0", ""),
        ("\u2212", "-"),
    ):
        value = value.replace(old, new)
    value = value.strip()
    frac = _LATEX_FRAC_RE.match(value)
    match = frac or _NUMBER_RE.match(value)
    if match is None:
        return None
    try:
        number = Fraction(match.group("num").replace(",", ""))
        if match.group("den") is not None:
            number /= Fraction(match.group("den"))
    except (ValueError, ZeroDivisionError):
        return None
    return -number if match.group("sign") == "-" else number


def _text_key(s: str) -> str:
    return " ".join(s.casefold().split())


def _choice_letter(s: str) -> str | None:
    value = _LATEX_TEXT_RE.sub(r"\1", s).replace("$", "").strip().strip("*").strip()
    value = _CHOICE_PREFIX_RE.sub("", value)
    match = _CHOICE_PAREN_RE.match(value) or _CHOICE_BARE_RE.match(value)
    return match.group(1).upper() if match else None


def _wrap_for_math_verify(s: str) -> str:
    """Math-Verify's LaTeX extraction only reads math it can see delimited, so `2\\sqrt{2}`
    parses as 2 unless wrapped in `$...$`. A currency `\\$` makes it give up entirely."""
    s = s.replace("\\$", "").strip()
    if "$" in s or "\\boxed" in s:
        return s
    return f"${s}$"


def _math_verify_timeout() -> int | None:
    """Math-Verify's timeouts use signal.alarm, which only works on the main thread; elsewhere
    (web request threads) the timeout must be None and the input screening is all we have."""
    if threading.current_thread() is not threading.main_thread():
        return None
    if not hasattr(signal, "SIGALRM") or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        return None  # Someone else's alarm is pending; Math-Verify would cancel it.
    return MATH_VERIFY_TIMEOUT_S


def _too_expensive(parsed: list[Any]) -> bool:
    """True if a parsed answer holds a power or factorial too large to evaluate exactly."""
    import sympy

    heavy = (sympy.factorial, sympy.factorial2, sympy.subfactorial, sympy.gamma)
    for item in parsed:
        if not isinstance(item, sympy.Basic):
            continue
        for node in sympy.preorder_traversal(item):
            if isinstance(node, sympy.Pow):
                arg = node.exp
            elif isinstance(node, heavy):
                arg = node.args[0]
            else:
                continue
            if arg.free_symbols:
                continue
            try:
                magnitude = abs(complex(arg.evalf(15)))
            except (TypeError, ValueError, OverflowError):
                return True
            if not math.isfinite(magnitude) or magnitude > MAX_EXPONENT:
                return True
    return False


def _math_verify_match(gold: str, predicted: str) -> bool:
    """Math-Verify's verdict, gold first; plain string equality when it cannot decide."""
    same_text = _text_key(gold) == _text_key(predicted)
    if same_text:
        return True
    if len(gold) > MAX_VERIFY_CHARS or len(predicted) > MAX_VERIFY_CHARS:
        return False
    try:
        from math_verify import parse, verify

        timeout = _math_verify_timeout()
        gold_parsed = parse(_wrap_for_math_verify(gold), parsing_timeout=timeout)
        predicted_parsed = parse(_wrap_for_math_verify(predicted), parsing_timeout=timeout)
        if not gold_parsed or not predicted_parsed:
            return same_text
        if gold_parsed[0] == predicted_parsed[0]:
            return True  # Structurally identical (SymPy's == compares trees, not values).
        if _too_expensive(gold_parsed) or _too_expensive(predicted_parsed):
            return same_text
        return bool(verify(gold_parsed, predicted_parsed, timeout_seconds=timeout))
    except Exception:
        # Math-Verify and SymPy raise a wide variety of errors on odd input; none of them
        # should fail a grading run.
        return same_text


def _numbers_match(gold: Fraction, predicted: Fraction) -> bool:
    """Integers must be equal: a relative tolerance of 1e-6 would let 1,450,001 pass for
    1,450,000. Other numbers match within relative 1e-6 (absolute 1e-9), for rounding."""
    if gold.denominator == 1 and predicted.denominator == 1:
        return gold == predicted
    try:
        return math.isclose(float(gold), float(predicted), rel_tol=1e-6, abs_tol=1e-9)
    except OverflowError:
        return gold == predicted


def answers_match(gold: str, predicted: str, answer_type: str = "numeric") -> bool:
    """Whether `predicted` is the same answer as the reference `gold`.

    numeric: when both read as numbers, integers exactly and other numbers within relative
    tolerance 1e-6 (absolute 1e-9); else Math-Verify. expression: Math-Verify
    (`\\frac{1}{2}` = `0.5`, `2\\sqrt{2}` = `\\sqrt{8}`). choice: option letters,
    case-insensitive, in the forms `B`, `(B)`, `B)`, `B.`.
    text: case- and whitespace-insensitive equality. Empty answers never match.
    """
    if answer_type not in ANSWER_TYPES:
        raise ValueError(f"unknown answer type {answer_type!r}; expected one of {ANSWER_TYPES}")
    gold = (gold or "").strip()
    predicted = (predicted or "").strip()
    if not gold or not predicted:
        return False
    if answer_type == "text":
        return _text_key(gold) == _text_key(predicted)
    if answer_type == "choice":
        gold_letter, predicted_letter = _choice_letter(gold), _choice_letter(predicted)
        if gold_letter is not None and predicted_letter is not None:
            return gold_letter == predicted_letter
        return _text_key(gold) == _text_key(predicted)
    if answer_type == "numeric":
        gold_number, predicted_number = _exact_number(gold), _exact_number(predicted)
        if gold_number is not None and predicted_number is not None:
            return _numbers_match(gold_number, predicted_number)
    return _math_verify_match(gold, predicted)


def grade(
    text: str, reference: str, answer_type: str = "numeric", *, last_number: bool = False
) -> tuple[str | None, bool | None]:
    """Extract the answer from `text` and compare it with `reference`.

    Returns (extracted answer, verdict); the answer is None when the text states none (so it is
    not an answer step), and the verdict is None when there is no answer or no reference to
    compare with. `last_number` allows the last-number fallback (see `extract_answer`); pass it
    only for a step known to be final, when the campaign asks for it.
    """
    extracted = extract_answer(text, last_number=last_number)
    if extracted is None or not (reference or "").strip():
        return extracted, None
    return extracted, answers_match(reference, extracted, answer_type)


def parse_gsm8k_answer(answer_field: str) -> tuple[str, str]:
    """Split a GSM8K `answer` field into (reference answer, solution text).

    The reference is what follows the last `####`, with thousands commas removed
    (`1,000` -> `1000`); the solution is the text before it. Raises ValueError when there is
    no `####` or nothing after it.
    """
    solution, marker, answer = answer_field.rpartition("####")
    if not marker:
        raise ValueError('no "#### " final answer')
    reference = answer.strip().replace(",", "")
    if not reference:
        raise ValueError('nothing after "#### "')
    return reference, solution.strip()
