// The problem's long thoughts, newest first: style, render, status and figures.
import type { LongThought } from "../../api/types";

interface Props {
  thoughts: readonly LongThought[];
  selectedId: number | null;
  onSelect: (id: number) => void;
}

export function ThoughtList({ thoughts, selectedId, onSelect }: Props) {
  if (!thoughts.length) return null;
  return (
    <ul className="lt-list" aria-label="Long thoughts">
      {thoughts.map((thought) => (
        <li key={thought.id}>
          <button
            className={thought.id === selectedId ? "lt-item selected" : "lt-item"}
            aria-current={thought.id === selectedId}
            data-thought-id={thought.id}
            onClick={() => onSelect(thought.id)}
          >
            <span className="lt-item-top">
              <span className="lt-item-name">
                {thought.style} · {thought.render}
              </span>
              <span className={`pill ${thought.status}`}>{thought.status}</span>
            </span>
            <span className="lt-item-figures muted">
              {thought.token_count ?? "—"} tok · {plural(thought.line_count, "line")} ·{" "}
              {thought.backtracks} ↩{thought.edited_text ? " · edited" : ""}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`;
