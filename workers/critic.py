"""The critic: a model's verdict on a path's last step (accept / revise / reject), used by
propose-critique loops and by beam search's critic score. The critic of a demo profile is the
verifier-backed critic (trees.core.critique.verifier_critic): the demo reasoner was never
trained to critique."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trees.core.critique import Verdict, critic_prompt, parse_verdict, verifier_critic
from trees.models import ModelProfile, Node
from workers.client import ModelClient
from workers.profiles import template

CRITIC_MAX_TOKENS = 256
VERIFIER_CRITIC = "verifier-backed critic"


def judge(client: ModelClient, critic: Any, path: Sequence[Node]) -> tuple[Verdict | None, str]:
    """The critic's verdict on the path's last step and the critique text, or (None, "")
    when the budget does not allow the critic's call."""
    node = path[-1]
    if critic.backend == ModelProfile.Backend.DEMO:
        verdict = verifier_critic(
            node.text,
            terminal=node.is_terminal,
            reference_answer=client.problem.reference_answer,
            answer_type=client.problem.answer_type,
            confidence=node.confidence,
        )
        return verdict, f"[{VERIFIER_CRITIC}] {verdict.reasons}"
    prompt = critic_prompt(
        template(critic, "critique"),
        client.problem.statement,
        [step.text for step in path[1:-1]],
        node.text,
        critic.delimiter,
    )
    completions = client.sharing(critic).generate(prompt, 1, CRITIC_MAX_TOKENS)
    if completions is None:
        return None, ""
    text = completions[0].text.strip()
    return parse_verdict(text), text or "(the critic wrote nothing)"


def critic_score(client: ModelClient, path: Sequence[Node]) -> float | None:
    """A step's critic score (accept 1, revise 0.5, reject 0); None when the budget does not
    allow the critic's call."""
    verdict, _ = judge(client, client.profile, path)
    return None if verdict is None else verdict.score
