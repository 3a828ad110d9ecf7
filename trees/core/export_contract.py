"""The export contract: what every row of each format promises a trainer, and checks for it.

One place says, per format, how a row is shaped, where the prompt ends and the completion
begins (the step separator), how the final answer is stated (once, as `Answer: x`), how the
-1/0/+1 ratings map to TRL's booleans (the neutral label is the `zero_is_true` filter), where
PRM rows are cut (after the first false label), what the optional soft labels are, and what
the token limits measure. `manifest_contract` writes it into each export's manifest; the
README's exports section says the same in prose.

The invariant checks (`row_problems` and the per-format functions) return the ways a row
breaks the contract, as sentences; tests run them over every row they build. Also here, since
the renderers and the row builders share them: `strip_answer_statements` (a step's own answer
line or clause taken out, so the answer is stated once) and `mentions_answer`.

Pure: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

# Between steps, and at the end of every prompt that a completion continues.
STEP_SEPARATOR = "\n"
# The final answer, stated once, as the last line of an SFT/Steiner assistant turn.
ANSWER_PREFIX = "Answer: "
# In prose thoughts the answer line follows a blank line; in Steiner's format it follows
# the end-of-reasoning token directly.
ANSWER_BREAK = "\n\n"
# Transition openers the prose renderer uses (trees.core.render cycles through them).
TRANSITIONS = ("Wait,", "Hmm,", "Let me check that again:", "Alternatively,")

SOFT_LABEL_COLUMN = "values"


def answer_line(answer: str) -> str:
    return f"{ANSWER_PREFIX}{answer}"


# --- Answer statements ------------------------------------------------------------------------

_ANSWER_LINE_RE = re.compile(
    r"^[ \t]*(?:\*\*|__)?(?:final[ \t]+answer|answer|a)[ \t]*(?:\*\*|__)?[ \t]*:[ \t]*\S",
    re.IGNORECASE,
)
_GSM8K_LINE_RE = re.compile(r"^[ \t]*####[ \t]*\S")
_ANSWER_HEADING_RE = re.compile(r"^[ \t]*#{1,3}[ \t]*(?:final[ \t]+)?answer[ \t]*:?[ \t]*$", re.I)
# "…, so the answer is 8." at the end of a line: the clause goes, the computation stays.
_ANSWER_IS_CLAUSE_RE = re.compile(
    r"[,;]?[ \t]*(?:(?:and[ \t]+)?(?:so|thus|therefore|hence)\b[ \t]*,?[ \t]*)?"
    r"\bthe[ \t]+(?:final[ \t]+)?answer[ \t]+is\b[^\n]*$",
    re.IGNORECASE,
)
_BOXED_RE = re.compile(r"\\(?:boxed|fbox)[ \t]*\{")
_BOXED_ONLY_RE = re.compile(r"^[ \t$]*\\(?:boxed|fbox)[ \t]*\{.*\}[ \t$.]*$")


def _unbox(line: str) -> str:
    """`\\boxed{x}` replaced by `x` (braces matched), so the box no longer states an answer."""
    out: list[str] = []
    position = 0
    for match in _BOXED_RE.finditer(line):
        if match.start() < position:
            continue
        depth = 1
        end = match.end()
        while end < len(line) and depth:
            depth += {"{": 1, "}": -1}.get(line[end], 0)
            end += 1
        if depth:
            break  # unbalanced: leave the rest as it is
        out.append(line[position : match.start()])
        out.append(line[match.end() : end - 1])
        position = end
    out.append(line[position:])
    return "".join(out)


def strip_answer_statements(text: str) -> str:
    """The text without the ways a step states a final answer: `A: x`/`Answer: x`/`Final
    answer: x` and `#### x` lines, a `# Answer` heading with the line after it, a trailing
    "so the answer is x" clause (the computation before it stays), `\\boxed{x}` (x stays).
    What is left is stripped; it is empty when the step only stated the answer."""
    text = text.strip()
    lower = text.lower()
    # Most steps state no answer: skip the line-by-line work unless a form could match.
    if ":" not in text and "#" not in text and "answer" not in lower and "box" not in lower:
        return text
    kept: list[str] = []
    skip_next = False
    for raw in text.splitlines():
        if skip_next and raw.strip():
            skip_next = False
            continue
        # Each form is tried only where its cheap marker is present: long journeys render
        # tens of thousands of steps.
        if "#" in raw and (_ANSWER_HEADING_RE.match(raw) or _GSM8K_LINE_RE.match(raw)):
            skip_next = _ANSWER_HEADING_RE.match(raw) is not None
            continue
        if ":" in raw and _ANSWER_LINE_RE.match(raw):
            continue
        line = raw
        if "box" in raw:
            if _BOXED_ONLY_RE.match(raw):
                continue  # a line that is only a box ("$\boxed{8}$") states the answer alone
            line = _unbox(raw)
        clause = _ANSWER_IS_CLAUSE_RE.search(line) if "answer" in line.lower() else None
        if clause:
            head = line[: clause.start()].rstrip()
            if not head:
                continue
            if head[-1] not in ".!?:" and line.rstrip().endswith("."):
                head += "."
            line = head
        kept.append(line)
    return "\n".join(kept).strip()


def answer_statements(text: str) -> int:
    """How many lines of `text` state a final answer (the forms `strip_answer_statements`
    takes out)."""
    count = 0
    for line in text.splitlines():
        if (
            _ANSWER_LINE_RE.match(line)
            or _GSM8K_LINE_RE.match(line)
            or _ANSWER_HEADING_RE.match(line)
            or _ANSWER_IS_CLAUSE_RE.search(line)
            or _BOXED_RE.search(line)
        ):
            count += 1
    return count


_NUMBER_RE = re.compile(r"(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:/\d+)?(?![\w])")


def _as_number(text: str) -> Fraction | None:
    value = text.strip().replace(",", "").replace("$", "").rstrip("%")
    try:
        return Fraction(value)
    except (ValueError, ZeroDivisionError):
        return None


def mentions_answer(text: str, answer: str) -> bool:
    """Whether `text` states `answer`: as a number equal to it (8, 8.0, 8/1 for "8"), else as
    a whole word or phrase, case-insensitive. An empty answer is never mentioned."""
    answer = " ".join(answer.split())
    if not answer:
        return False
    number = _as_number(answer)
    if number is not None:
        return any(_as_number(found) == number for found in _NUMBER_RE.findall(text))
    pattern = r"(?<!\w)" + re.escape(answer) + r"(?!\w)"
    return re.search(pattern, " ".join(text.split()), re.IGNORECASE) is not None


def same_answer(a: str, b: str) -> bool:
    """Loose equality of two stated answers (numbers by value, text by words, any case)."""
    first, second = _as_number(a), _as_number(b)
    if first is not None and second is not None:
        return first == second
    return " ".join(a.split()).lower() == " ".join(b.split()).lower()


# --- The contract per format ------------------------------------------------------------------


@dataclass(frozen=True)
class FormatContract:
    """What one format's rows promise (shown in the README and written into manifests)."""

    format: str
    trainer: str
    columns: tuple[str, ...]
    prompt: str
    completion: str
    answer: str
    labels: str | None = None
    measured: str = ""

    def to_data(self) -> dict[str, Any]:
        data = asdict(self)
        data["columns"] = list(self.columns)
        return data


_SFT_ANSWER = (
    "stated once, as the last line `Answer: x` after a blank line; the steps' own answer "
    "lines and clauses are left out"
)

CONTRACTS: dict[str, FormatContract] = {
    "sft-journey": FormatContract(
        format="sft-journey",
        trainer="TRL SFTTrainer, conversational (`messages`)",
        columns=("messages",),
        prompt="the user turn: the problem",
        completion=(
            "the assistant turn: one step per line, a wrong branch left by a transition line "
            "that says why from the tree (a -1 label and its note, or a failed verification) "
            "and quotes whole steps, never the reference answer"
        ),
        answer=_SFT_ANSWER,
        measured="reasoning: the assistant turn; total: both turns",
    ),
    "sft-shortcut": FormatContract(
        format="sft-shortcut",
        trainer="TRL SFTTrainer, conversational (`messages`)",
        columns=("messages",),
        prompt="the user turn: the problem",
        completion="the assistant turn: the correct path, one step per line",
        answer=_SFT_ANSWER,
        measured="reasoning: the assistant turn; total: both turns",
    ),
    "steiner": FormatContract(
        format="steiner",
        trainer="TRL SFTTrainer, conversational (`messages`)",
        columns=("messages",),
        prompt="the user turn: the problem",
        completion=(
            "the assistant turn: Steiner's reasoning tokens; a backtracking step's reflection "
            "says why it turns back (never the reference answer)"
        ),
        answer="stated once, as `Answer: x` right after the end-of-reasoning token",
        measured="reasoning: the assistant turn; total: both turns",
    ),
    "dpo": FormatContract(
        format="dpo",
        trainer="TRL DPOTrainer, standard preference (`prompt`/`chosen`/`rejected`)",
        columns=("prompt", "chosen", "rejected"),
        prompt=(
            "the problem and, for a step pair, the steps above it, each followed by the step "
            "separator: TRL joins prompt + completion verbatim, so the prompt ends where the "
            "completion begins"
        ),
        completion=(
            "step pair: a +1 step against a -1 sibling; solution pair: a correct full path "
            "against an incorrect one, each ending `Answer: x` like SFT rows. Chosen and "
            "rejected never read the same"
        ),
        answer="solution pairs: stated once, as the last line `Answer: x`",
        measured="reasoning: the longer completion; total: prompt + the longer completion",
    ),
    "prm-stepwise": FormatContract(
        format="prm-stepwise",
        trainer="TRL stepwise supervision (`prompt`/`completions`/`labels`)",
        columns=("prompt", "completions", "labels", "ratings"),
        prompt="the problem followed by the step separator",
        completion=(
            "one completion per step; the trainer appends the step separator to each and puts "
            "the label on its last token"
        ),
        answer="as the step states it (no answer line is added)",
        labels=(
            "+1 -> true, -1 -> false, 0 -> the `zero_is_true` filter (false unless set); "
            "each row is cut after its first false label and before an unlabelled step; "
            "`ratings` keeps -1/0/+1; with `soft_labels`, `values` holds each step's "
            "Monte-Carlo soft value (a float, or null where there is none or it is stale)"
        ),
        measured="reasoning: the steps joined by the separator; total: with the prompt",
    ),
    "prm800k": FormatContract(
        format="prm800k",
        trainer="PRM800K's own schema (reimports with --format prm800k)",
        columns=(
            "labeler",
            "timestamp",
            "generation",
            "is_quality_control_question",
            "is_initial_screening_question",
            "question",
            "label",
        ),
        prompt="question.problem",
        completion="label.steps: the chosen step and its siblings, with their ratings",
        answer="as the steps state it",
        labels="ratings -1/0/+1 as they are; a path stops after its first -1",
        measured="reasoning: the chosen steps; total: with the problem and the alternatives",
    ),
}


def label_map(zero_is_true: bool) -> dict[str, bool]:
    """TRL's booleans for Arbor's ratings (keys as strings, for JSON)."""
    return {"1": True, "0": zero_is_true, "-1": False}


def manifest_contract(
    fmt: str,
    *,
    zero_is_true: bool = False,
    soft_labels: bool = False,
    tokenizer: Mapping[str, Any] | None = None,
    limits: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The contract of one export, as the manifest records it: the format's promises plus the
    choices this export made (neutral label, soft labels, tokenizer and limits)."""
    contract = CONTRACTS[fmt]
    data: dict[str, Any] = {
        **contract.to_data(),
        "step_separator": STEP_SEPARATOR,
        # PRM rows label the steps as written: no answer line is added there.
        "answer_line": None if fmt.startswith("prm") else ANSWER_PREFIX + "{answer}",
    }
    if fmt in ("prm-stepwise", "prm800k"):
        data["label_map"] = label_map(zero_is_true) if fmt == "prm-stepwise" else None
        data["neutral_label"] = zero_is_true if fmt == "prm-stepwise" else 0
        data["truncation"] = (
            "after the first false label" if fmt == "prm-stepwise" else "after the first -1"
        )
    if fmt == "prm-stepwise":
        data["soft_labels"] = (
            {
                "column": SOFT_LABEL_COLUMN,
                "source": "Monte-Carlo soft value of each step (fraction of rollouts correct)",
                "missing_or_stale": None,
            }
            if soft_labels
            else None
        )
    if tokenizer is None:
        data["token_limits"] = None
    else:
        data["token_limits"] = {
            "tokenizer": dict(tokenizer),
            **dict(limits or {}),
            "measures": contract.measured,
            "rule": "a row at or over a limit is skipped and counted",
        }
    return data


# --- Invariants -------------------------------------------------------------------------------

# Transitions quote steps in curly quotes, which step texts rarely hold themselves.
OPEN_QUOTE, CLOSE_QUOTE = "\u201c", "\u201d"
_QUOTE_RE = re.compile(f"{OPEN_QUOTE}([^{CLOSE_QUOTE}]+){CLOSE_QUOTE}")


def _normal(text: str) -> str:
    return " ".join(text.split())


def transition_problems(
    transition: str, before: str, reference: str | None, shown: Sequence[str] = ()
) -> list[str]:
    """What is wrong with one transition sentence: a quote that is not a whole step or whole
    sentence of the text before it (or that ends in an ellipsis), or the reference answer
    stated outside quotes of earlier text. `shown` lists the step texts shown before it."""
    problems: list[str] = []
    rest = transition
    lines = {line.strip() for line in before.splitlines()} | {s.strip() for s in shown}
    for quote in _QUOTE_RE.findall(transition):
        whole = quote in lines or any(
            line.startswith(quote) and quote[-1] in ".!?" for line in lines
        )
        if quote.endswith("…") or quote.endswith("...") or not whole:
            problems.append(f"transition quotes {quote!r}, not a whole step or sentence")
        else:
            rest = rest.replace(f"{OPEN_QUOTE}{quote}{CLOSE_QUOTE}", "")
    if "…" in rest:
        problems.append("transition cuts text with an ellipsis")
    if reference and mentions_answer(rest, reference):
        problems.append(f"transition states the reference answer {reference!r}: {transition!r}")
    return problems


def sft_row_problems(
    row: Mapping[str, Any],
    *,
    reference: str | None = None,
    transitions: Sequence[str] = TRANSITIONS,
) -> list[str]:
    """Ways an SFT row (prose) breaks the contract: not a user/assistant conversation; the
    answer not stated exactly once as the last line `Answer: x` after a blank line; a
    transition that quotes cut text or states the reference answer."""
    messages = row.get("messages")
    if (
        not isinstance(messages, list)
        or len(messages) != 2
        or [m.get("role") for m in messages] != ["user", "assistant"]
    ):
        return ["not a user/assistant conversation"]
    content = str(messages[1].get("content") or "")
    problems: list[str] = []
    thought, _, last = content.rpartition(ANSWER_BREAK)
    if not last.startswith(ANSWER_PREFIX) or "\n" in last:
        problems.append("the assistant turn does not end with a blank line and `Answer: x`")
    statements = answer_statements(content)
    if statements != 1:
        problems.append(f"the answer is stated {statements} times")
    before: list[str] = []
    for line in thought.splitlines():
        if line.startswith(tuple(transitions)):
            problems.extend(transition_problems(line, "\n".join(before), reference))
        before.append(line)
    return problems


def steiner_row_problems(
    row: Mapping[str, Any], *, reference: str | None = None, reasoning_end: str = ""
) -> list[str]:
    """Ways a Steiner row breaks the contract: the answer not stated once right after the end
    of reasoning, or a reflection that states the reference answer."""
    from trees.core.render import DEFAULT_TOKENS  # the token names live with the renderer

    end = reasoning_end or DEFAULT_TOKENS.reasoning_end
    messages = row.get("messages") or []
    if len(messages) != 2:
        return ["not a user/assistant conversation"]
    content = str(messages[1].get("content") or "")
    reasoning, sep, answer = content.partition(end)
    problems: list[str] = []
    if not sep or not answer.startswith(ANSWER_PREFIX) or "\n" in answer:
        problems.append("the answer does not follow the end of reasoning as `Answer: x`")
    lines = re.sub(r"<\|[a-z_]+\|>", "\n", reasoning)
    statements = answer_statements(lines)
    if statements:
        problems.append(f"the reasoning states an answer {statements} more time(s)")
    start, stop = DEFAULT_TOKENS.reflection_start, DEFAULT_TOKENS.reflection_end
    turning_back = DEFAULT_TOKENS.step_end + DEFAULT_TOKENS.backtrack
    # Only a step that turns back says why in its reflection (a step's own reflection part
    # is tree text, like its thought).
    for step in reasoning.split(DEFAULT_TOKENS.step_start)[1:]:
        if turning_back in step and start in step:
            reflection = step.split(start, 1)[1].split(stop, 1)[0]
            problems.extend(transition_problems(reflection, lines, reference))
    return problems


def dpo_row_problems(row: Mapping[str, Any]) -> list[str]:
    """Ways a DPO row breaks the contract: not three strings, a prompt that does not end with
    the step separator, an empty side, or chosen reading the same as rejected."""
    problems: list[str] = []
    if sorted(row) != ["chosen", "prompt", "rejected"]:
        return [f"columns are {sorted(row)}"]
    prompt, chosen, rejected = row["prompt"], row["chosen"], row["rejected"]
    if not all(isinstance(value, str) for value in (prompt, chosen, rejected)):
        return ["prompt, chosen and rejected must be strings"]
    if not prompt.endswith(STEP_SEPARATOR) or not prompt.strip():
        problems.append("the prompt does not end with the step separator")
    for name, side in (("chosen", chosen), ("rejected", rejected)):
        if not side.strip() or side != side.strip():
            problems.append(f"{name} is empty or starts/ends with whitespace")
    if _normal(chosen) == _normal(rejected):
        problems.append("chosen reads the same as rejected")
    return problems


def prm_row_problems(row: Mapping[str, Any], *, zero_is_true: bool = False) -> list[str]:
    """Ways a PRM stepwise row breaks the contract: labels that do not align with the
    completions (one boolean per step, the one the rating maps to), a true label after a
    false one (rows end at the first error), soft labels outside [0, 1] or misaligned, or a
    prompt that does not end with the step separator."""
    problems: list[str] = []
    prompt = row.get("prompt")
    completions = row.get("completions")
    labels = row.get("labels")
    ratings = row.get("ratings")
    if not isinstance(prompt, str) or not prompt.endswith(STEP_SEPARATOR):
        problems.append("the prompt does not end with the step separator")
    if not isinstance(completions, list) or not completions:
        return [*problems, "no completions"]
    if not isinstance(labels, list) or len(labels) != len(completions):
        return [*problems, "labels do not align with completions"]
    if not isinstance(ratings, list) or len(ratings) != len(completions):
        problems.append("ratings do not align with completions")
    elif [label_map(zero_is_true)[str(r)] for r in ratings] != labels:
        problems.append("labels are not the ratings under the label map")
    if not all(isinstance(label, bool) for label in labels):
        problems.append("labels are not booleans")
    if False in labels[:-1]:
        problems.append("a step follows the first false label")
    if any(not isinstance(c, str) or not c.strip() for c in completions):
        problems.append("an empty completion")
    if SOFT_LABEL_COLUMN in row:
        values = row[SOFT_LABEL_COLUMN]
        if not isinstance(values, list) or len(values) != len(completions):
            problems.append("soft labels do not align with completions")
        elif any(v is not None and not (isinstance(v, float) and 0 <= v <= 1) for v in values):
            problems.append("a soft label is not a float in [0, 1] or null")
    return problems


def row_problems(fmt: str, row: Mapping[str, Any], **context: Any) -> list[str]:
    """The contract check for a row of any format (PRM800K: its shape only)."""
    if fmt in ("sft-journey", "sft-shortcut"):
        return sft_row_problems(row, reference=context.get("reference"))
    if fmt == "steiner":
        return steiner_row_problems(row, reference=context.get("reference"))
    if fmt == "dpo":
        return dpo_row_problems(row)
    if fmt == "prm-stepwise":
        return prm_row_problems(row, zero_is_true=bool(context.get("zero_is_true")))
    if fmt == "prm800k":
        missing = [name for name in CONTRACTS["prm800k"].columns if name not in row]
        return [f"missing {name}" for name in missing]
    raise ValueError(f"unknown export format {fmt!r}")
