// Bold without italics: the one emphasis that survives arithmetic, as a micromark construct.
//
// CommonMark's emphasis eats multiplication ("2*3*4 = 24" italicises the 3) and identifiers
// ("a_1 and b_1"), so the Markdown component disables it and uses this instead: only `**`,
// exactly two asterisks, opening after a space, punctuation or the line start and before a
// non-space, closing after a non-space and before a space, punctuation or the line end. So
// "**Step 1:** add" is bold, while "2**3 + 3**2" and "2 ** 3" keep their asterisks. A single
// `*`, `_`, `__` and `***` always show as written.
import type { Code, Construct, Event, Resolver, State, Token } from "micromark-util-types";

import { ASTERISK, isPunctuation, isSpaceOrEnd } from "./chars";

declare module "micromark-util-types" {
  interface TokenTypeMap {
    boldSequence: "boldSequence";
  }
}

/** A letter, digit or other word character: touching one, `**` is arithmetic, not bold. */
function isWordCharacter(code: Code): boolean {
  return !isSpaceOrEnd(code) && !isPunctuation(code);
}

const resolveAllBold: Resolver = (events, context) => {
  const result: Event[] = [];
  let opener = -1; // index in `result` of the enter event of the open sequence waiting
  let openerDepth = 0;
  let depth = 0; // how deep in links and other spans: a pair never crosses their edges
  const drop = () => {
    if (opener >= 0) result[opener]![1].type = "data";
    opener = -1;
  };
  const sequences = new Set<Token>();
  for (const event of events) {
    const [kind, token] = event;
    if (token.type === "boldSequence") sequences.add(token);
    if (!sequences.has(token)) {
      depth += kind === "enter" ? 1 : -1;
      if (depth < openerDepth) drop();
      result.push(event);
      continue;
    }
    if (kind === "exit") continue; // written together with its enter below
    if (token._close && opener >= 0 && depth === openerDepth) {
      const open = result[opener]![1];
      const group = { type: "strong" as const, start: { ...open.start }, end: { ...token.end } };
      const text = { type: "strongText" as const, start: { ...open.end }, end: { ...token.start } };
      open.type = "strongSequence";
      token.type = "strongSequence";
      const inner = result.splice(opener + 2);
      result.splice(opener, 0, ["enter", group, context]);
      result.push(["enter", text, context], ...inner, ["exit", text, context]);
      result.push(["enter", token, context], ["exit", token, context], ["exit", group, context]);
      opener = -1;
      continue;
    }
    drop(); // an earlier opener with no closer in reach stays text
    token.type = token._open ? "boldSequence" : "data";
    if (token._open) {
      opener = result.length;
      openerDepth = depth;
    }
    result.push(["enter", token, context], ["exit", token, context]);
  }
  drop();
  // In place: micromark's subtokenizer holds on to this very array.
  events.length = 0;
  for (const event of result) events.push(event);
  return events;
};

export const boldOnly: Construct = {
  name: "boldOnly",
  resolveAll: resolveAllBold,
  tokenize(effects, ok) {
    const before = this.previous;
    let size = 0;
    const inside: State = (code) => {
      if (code === ASTERISK) {
        effects.consume(code);
        size += 1;
        return inside;
      }
      const token = effects.exit("boldSequence");
      const pair = size === 2;
      token._open = pair && !isSpaceOrEnd(code) && !isWordCharacter(before);
      token._close = pair && !isSpaceOrEnd(before) && !isWordCharacter(code);
      if (!token._open && !token._close) token.type = "data";
      return ok(code);
    };
    return (code) => {
      effects.enter("boldSequence");
      return inside(code);
    };
  },
};
