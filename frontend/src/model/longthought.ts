// Long thoughts as the workspace shows them: text cut into passages, each step's passage linked
// back to its node; Steiner's special tokens picked out of the text between steps; the local
// draft of an edit. Framework-free: plain data in, plain data out.

/** A step's passage in a long thought's text: [node id, start, end) in characters. */
export type Span = readonly [number, number, number];

export interface Passage {
  /** The node whose step this passage is, or null for text between steps (transitions,
   * Steiner tokens, the answer). */
  nodeId: number | null;
  text: string;
  start: number;
  end: number;
}

/** The API's `spans` (typed `unknown` in the schema) as well-formed spans, in text order,
 * non-overlapping; anything malformed is dropped rather than trusted. */
export function parseSpans(raw: unknown): Span[] {
  if (!Array.isArray(raw)) return [];
  const spans: Span[] = [];
  let last = 0;
  for (const item of raw) {
    if (!Array.isArray(item) || item.length !== 3) continue;
    const [node, start, end] = item as unknown[];
    if (!isInt(node) || !isInt(start) || !isInt(end)) continue;
    if (start < last || end <= start) continue;
    spans.push([node, start, end]);
    last = end;
  }
  return spans;
}

function isInt(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

/** Where the steps of `original` (located by `spans`) sit in an edited `text`: each step's text
 * is looked for, in order, after the previous one. A one-line step whose end was edited is
 * still found by its opening (most of it) and runs to the end of its line; a step rewritten
 * from the start or removed loses its link; the others keep theirs. */
export function relocateSpans(original: string, spans: readonly Span[], text: string): Span[] {
  if (original === text) return [...spans];
  const found: Span[] = [];
  let cursor = 0;
  for (const [node, start, end] of spans) {
    const piece = original.slice(start, end);
    if (!piece) continue;
    const at = text.indexOf(piece, cursor);
    if (at >= 0) {
      found.push([node, at, at + piece.length]);
      cursor = at + piece.length;
      continue;
    }
    const opening = openingOf(piece);
    if (opening === null) continue;
    const near = lineStartingWith(text, opening, cursor);
    if (near === null) continue;
    found.push([node, near[0], near[1]]);
    cursor = near[1];
  }
  return found;
}

const MIN_OPENING = 8;

function openingOf(piece: string): string | null {
  if (piece.includes("\n")) return null;
  const length = Math.ceil(piece.length * 0.6);
  return length >= MIN_OPENING ? piece.slice(0, length) : null;
}

/** [start, end of line) of the first line at or after `from` that starts with `opening`. */
function lineStartingWith(text: string, opening: string, from: number): [number, number] | null {
  let at = text.indexOf(opening, from);
  while (at >= 0) {
    if (at === 0 || text[at - 1] === "\n") {
      const stop = text.indexOf("\n", at);
      return [at, stop < 0 ? text.length : stop];
    }
    at = text.indexOf(opening, at + 1);
  }
  return null;
}

/** The text cut at its spans: linked passages for steps, unlinked ones for the text between.
 * Whitespace-only gaps are dropped and gaps lose their surrounding newlines. */
export function toPassages(text: string, spans: readonly Span[]): Passage[] {
  const passages: Passage[] = [];
  let cursor = 0;
  const gap = (start: number, end: number) => {
    const raw = text.slice(start, end);
    const trimmed = raw.replace(/^\n+|\n+$/g, "");
    if (trimmed.trim()) passages.push({ nodeId: null, text: trimmed, start, end });
  };
  for (const [node, start, end] of spans) {
    if (start < cursor || end > text.length) continue;
    if (start > cursor) gap(cursor, start);
    passages.push({ nodeId: node, text: text.slice(start, end), start, end });
    cursor = end;
  }
  if (cursor < text.length) gap(cursor, text.length);
  return passages;
}

interface ThoughtText {
  rendered_text: string;
  edited_text: string;
  spans: unknown;
}

/** The passages of a long thought's current text (its edit if it has one). */
export function thoughtPassages(thought: ThoughtText): Passage[] {
  const spans = parseSpans(thought.spans);
  if (!thought.edited_text) return toPassages(thought.rendered_text, spans);
  const moved = relocateSpans(thought.rendered_text, spans, thought.edited_text);
  return toPassages(thought.edited_text, moved);
}

/** How many of the thought's steps its current text still links to, of how many. */
export function linkedSteps(thought: ThoughtText): { linked: number; total: number } {
  const total = parseSpans(thought.spans).length;
  const linked = thoughtPassages(thought).filter((p) => p.nodeId !== null).length;
  return { linked, total };
}

/** The index of the passage of `nodeId`, or -1. */
export function passageOfNode(passages: readonly Passage[], nodeId: number | null): number {
  if (nodeId === null) return -1;
  return passages.findIndex((passage) => passage.nodeId === nodeId);
}

export type SteinerPiece = { kind: "token"; name: string } | { kind: "text"; text: string };

const STEINER_TOKEN = /<\|(reasoning_[a-z_]+)\|>/g;

/** Text between steps in Steiner's format, split into special tokens (by name, without the
 * brackets) and the text around them (summaries, reflections, the answer). */
export function splitSteinerTokens(text: string): SteinerPiece[] {
  const pieces: SteinerPiece[] = [];
  let cursor = 0;
  for (const match of text.matchAll(STEINER_TOKEN)) {
    const at = match.index;
    if (at > cursor) pushText(pieces, text.slice(cursor, at));
    pieces.push({ kind: "token", name: match[1] ?? "" });
    cursor = at + match[0].length;
  }
  if (cursor < text.length) pushText(pieces, text.slice(cursor));
  return pieces;
}

function pushText(pieces: SteinerPiece[], text: string) {
  if (text.trim()) pieces.push({ kind: "text", text: text.trim() });
}

/** A Steiner token's name as a short readable label ("reasoning_backtrack" -> "backtrack"). */
export function tokenLabel(name: string): string {
  if (name === "reasoning" || name === "reasoning_start") return "reasoning";
  if (name === "reasoning_end") return "end of reasoning";
  return name
    .replace(/^reasoning_/, "")
    .replace(/^step_/, "")
    .replace(/_/g, " ");
}

// Tokens that only frame a step or a part; the reader sees the step and the part's label.
const FRAMING = /^reasoning_step_(start|end|thought_start|thought_end|[a-z]+_end)$/;

/** The tokens worth showing between steps: start and end of reasoning, proceed, backtrack and
 * the name / summary / reflection labels; the framing tokens are left out. */
export function visibleSteinerPieces(text: string): SteinerPiece[] {
  return splitSteinerTokens(text)
    .filter((piece) => piece.kind === "text" || !FRAMING.test(piece.name))
    .map((piece) =>
      piece.kind === "token" ? { kind: "token", name: piece.name.replace(/_start$/, "") } : piece,
    );
}

// --- Local drafts ------------------------------------------------------------------------------

/** What an expert typed and has not saved: kept in localStorage until it is saved or dropped. */
export interface Draft {
  text: string;
  /** The version of the long thought the draft was started from. */
  version: number;
  savedAt: string;
}

export const draftKey = (thoughtId: number): string => `arbor:long-thought-draft:${thoughtId}`;

/** A stored draft, or null when there is none or it is not one of ours. */
export function parseDraft(raw: string | null): Draft | null {
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== "object" || value === null) return null;
    const { text, version, savedAt } = value as Record<string, unknown>;
    if (typeof text !== "string" || !isInt(version)) return null;
    return { text, version, savedAt: typeof savedAt === "string" ? savedAt : "" };
  } catch {
    return null;
  }
}

export interface DraftStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function loadDraft(store: DraftStore, thoughtId: number): Draft | null {
  try {
    return parseDraft(store.getItem(draftKey(thoughtId)));
  } catch {
    return null;
  }
}

export function saveDraft(store: DraftStore, thoughtId: number, draft: Draft): void {
  try {
    store.setItem(draftKey(thoughtId), JSON.stringify(draft));
  } catch {
    // A full or disabled storage loses only the reload safety net, not the edit itself.
  }
}

export function dropDraft(store: DraftStore, thoughtId: number): void {
  try {
    store.removeItem(draftKey(thoughtId));
  } catch {
    // Nothing to do: see saveDraft.
  }
}

// --- Derive form -------------------------------------------------------------------------------

export interface DeriveForm {
  style: "journey" | "shortcut";
  render: "prose" | "steiner";
  maxWrong: string;
  maxDepthWrong: string;
  seed: string;
}

export const DERIVE_DEFAULTS: DeriveForm = {
  style: "journey",
  render: "prose",
  maxWrong: "2",
  maxDepthWrong: "2",
  seed: "",
};

export interface DeriveBody {
  style: "journey" | "shortcut";
  render: "prose" | "steiner";
  max_wrong: number;
  max_depth_wrong: number;
  seed?: number;
}

/** The derive request for a form, or the errors by field (the server's ranges). */
export function deriveRequest(
  form: DeriveForm,
): { body: DeriveBody; errors: null } | { body: null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const maxWrong = intIn(form.maxWrong, 0, 32);
  const maxDepth = intIn(form.maxDepthWrong, 0, 64);
  if (maxWrong === null) errors.maxWrong = "Wrong turns per step: a whole number from 0 to 32.";
  if (maxDepth === null) errors.maxDepthWrong = "Depth of a wrong turn: a whole number 0–64.";
  let seed: number | undefined;
  if (form.seed.trim()) {
    const parsed = intIn(form.seed, 0, 2 ** 31 - 1);
    if (parsed === null) errors.seed = "Seed: a whole number of at least 0, or empty.";
    else seed = parsed;
  }
  if (maxWrong === null || maxDepth === null || Object.keys(errors).length) {
    return { body: null, errors };
  }
  const body: DeriveBody = {
    style: form.style,
    render: form.render,
    max_wrong: maxWrong,
    max_depth_wrong: maxDepth,
  };
  if (seed !== undefined) body.seed = seed;
  return { body, errors: null };
}

/** A whole number written in `text` within [low, high], or null. */
export function intIn(text: string, low: number, high: number): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) && value >= low && value <= high ? value : null;
}

// --- Plan --------------------------------------------------------------------------------------

export type VisitAction = "proceed" | "backtrack" | "end";

/** What the derivation did at each visited node (the API's `plan`, typed `unknown`): proceed,
 * backtrack (a wrong turn it leaves) or end (the answer). */
export function planActions(raw: unknown): Map<number, VisitAction> {
  const actions = new Map<number, VisitAction>();
  if (!Array.isArray(raw)) return actions;
  for (const visit of raw) {
    if (typeof visit !== "object" || visit === null) continue;
    const { node, action } = visit as Record<string, unknown>;
    if (!isInt(node)) continue;
    if (action === "proceed" || action === "backtrack" || action === "end") {
      actions.set(node, action);
    }
  }
  return actions;
}

export const REVIEW_ROLES: ReadonlySet<string> = new Set(["reviewer", "lead", "admin"]);

/** Whether a campaign role may approve or reject long thoughts. */
export const canReview = (role: string | null | undefined): boolean =>
  role !== null && role !== undefined && REVIEW_ROLES.has(role);
