// Inline math delimiters that money text survives, as micromark constructs.
//
// `$…$` follows Pandoc's rule: the opening `$` has a non-space on its right, the closing `$` a
// non-space on its left and no digit on its right, and a `$` after a space ends the attempt.
// So "$3 each and 2 pens at $1.50" and "$20+$2" stay text while "$x^2 + 1$" is math. One
// addition for GSM8K-style steps: a `$` right before a `<<…>>` calculator annotation is a
// currency sign ("=$<<12*5=60>>60" is sixty dollars), so it cannot close math either.
// `\(…\)` and `\[…\]` are always math (inline and display); `$$…$$` comes from remark-math.
import type { CompileContext, Extension as FromMarkdownExtension } from "mdast-util-from-markdown";
import type {} from "micromark-extension-math";
import type {} from "./annotation"; // its token types: mathText, mathTextData…
import type { Code, Construct, Effects, State, TokenizeContext, Token } from "micromark-util-types";

import {
  BACKSLASH,
  DOLLAR,
  LEFT_BRACKET,
  LEFT_PAREN,
  LESS_THAN,
  RIGHT_BRACKET,
  RIGHT_PAREN,
  isDigit,
  isLineEnding,
  isSpaceOrEnd,
} from "./chars";

declare module "micromark-util-types" {
  interface TokenTypeMap {
    latexMathInline: "latexMathInline";
    latexMathDisplay: "latexMathDisplay";
    latexMathMarker: "latexMathMarker";
    latexMathData: "latexMathData";
  }
}

/** `<<` ahead: the start of a calculator annotation. A lookahead only. */
const annotationAhead: Construct = {
  partial: true,
  tokenize(effects, ok, nok) {
    return (code: Code) => {
      if (code !== LESS_THAN) return nok(code);
      effects.enter("calcAnnotation");
      effects.consume(code);
      return (next: Code) => (next === LESS_THAN ? ok(next) : nok(next));
    };
  },
};

function afterEscapedDollar(this: TokenizeContext, code: Code): boolean {
  // Like remark-math: a `$` right after another `$` starts nothing, unless that one was escaped.
  const last = this.events[this.events.length - 1];
  return code !== DOLLAR || last?.[1].type === "characterEscape";
}

/** Pandoc's single-dollar inline math. Emits remark-math's tokens, so its mdast handlers apply. */
export const pandocDollarMath: Construct = {
  name: "pandocDollarMath",
  previous: afterEscapedDollar,
  tokenize(effects, ok, nok) {
    let spaceBefore = false;

    const start: State = (code) => {
      effects.enter("mathText");
      effects.enter("mathTextSequence");
      effects.consume(code);
      effects.exit("mathTextSequence");
      return afterOpen;
    };

    const afterOpen: State = (code) => {
      // `$$` is remark-math's; `$ x$` is not math.
      if (code === DOLLAR || isSpaceOrEnd(code)) return nok(code);
      effects.enter("mathTextData");
      return inside(code);
    };

    const inside: State = (code) => {
      if (code === null) return nok(code);
      if (code === DOLLAR) {
        if (spaceBefore) return nok(code);
        effects.exit("mathTextData");
        effects.enter("mathTextSequence");
        effects.consume(code);
        effects.exit("mathTextSequence");
        effects.exit("mathText");
        return afterClose;
      }
      if (isLineEnding(code)) {
        effects.exit("mathTextData");
        effects.enter("lineEnding");
        effects.consume(code);
        effects.exit("lineEnding");
        spaceBefore = true;
        return lineStart;
      }
      spaceBefore = isSpaceOrEnd(code);
      effects.consume(code);
      // A backslash takes the next character with it, so `\$` never closes.
      return code === BACKSLASH ? escaped : inside;
    };

    const lineStart: State = (code) => {
      if (code === null || code === DOLLAR) return nok(code);
      effects.enter("mathTextData");
      return inside(code);
    };

    const escaped: State = (code) => {
      if (code === null || isLineEnding(code)) return inside(code);
      spaceBefore = false;
      effects.consume(code);
      return inside;
    };

    const afterClose: State = (code) => {
      if (isDigit(code)) return nok(code);
      return effects.check(annotationAhead, nok, ok)(code);
    };

    return start;
  },
};

/** `\(…\)` inline and `\[…\]` display math; a backslash pair inside (`\\`, `\)`) is kept. */
export const latexDelimitedMath: Construct = {
  name: "latexDelimitedMath",
  tokenize(effects, ok, nok) {
    let closing = RIGHT_PAREN;
    let outer: Token;

    const closeAhead: Construct = {
      partial: true,
      tokenize(lookahead: Effects, yes, no) {
        return (code: Code) => {
          if (code !== BACKSLASH) return no(code);
          lookahead.enter("latexMathMarker");
          lookahead.consume(code);
          return (next: Code) => (next === closing ? yes(next) : no(next));
        };
      },
    };

    const start: State = (code) => {
      outer = effects.enter("latexMathInline");
      effects.enter("latexMathMarker");
      effects.consume(code);
      return open;
    };

    const open: State = (code) => {
      if (code === LEFT_BRACKET) {
        closing = RIGHT_BRACKET;
        outer.type = "latexMathDisplay";
      } else if (code !== LEFT_PAREN) {
        return nok(code);
      }
      effects.consume(code);
      effects.exit("latexMathMarker");
      return between;
    };

    const between: State = (code) => {
      if (code === null) return nok(code);
      if (isLineEnding(code)) {
        effects.enter("lineEnding");
        effects.consume(code);
        effects.exit("lineEnding");
        return between;
      }
      if (code === BACKSLASH) return effects.check(closeAhead, close, startData)(code);
      return startData(code);
    };

    const startData: State = (code) => {
      effects.enter("latexMathData");
      return data(code);
    };

    const data: State = (code) => {
      if (code === null) return nok(code);
      if (isLineEnding(code)) {
        effects.exit("latexMathData");
        return between(code);
      }
      if (code === BACKSLASH) return effects.check(closeAhead, endData, pair)(code);
      effects.consume(code);
      return data;
    };

    const pair: State = (code) => {
      effects.consume(code);
      return (next: Code) => {
        if (next === null || isLineEnding(next)) return data(next);
        effects.consume(next);
        return data;
      };
    };

    const endData: State = (code) => {
      effects.exit("latexMathData");
      return close(code);
    };

    const close: State = (code) => {
      effects.enter("latexMathMarker");
      effects.consume(code);
      return (next: Code) => {
        effects.consume(next);
        effects.exit("latexMathMarker");
        effects.exit(outer.type);
        return ok;
      };
    };

    return start;
  },
};

function enterMath(display: boolean) {
  return function (this: CompileContext, token: Token) {
    const className = ["language-math", display ? "math-display" : "math-inline"];
    // The same mdast node remark-math makes for `$…$`; rehype-katex reads the class.
    this.enter(
      {
        type: "inlineMath",
        value: "",
        data: { hName: "code", hProperties: { className }, hChildren: [] },
      },
      token,
    );
    this.buffer();
  };
}

function exitMath(this: CompileContext, token: Token) {
  // A display block written as \[, the TeX, \] on three lines holds only the TeX, as in Pandoc.
  const value = this.resume().trim();
  const node = this.stack[this.stack.length - 1];
  this.exit(token);
  if (node?.type !== "inlineMath") return;
  node.value = value;
  node.data?.hChildren?.push({ type: "text", value });
}

function exitMathData(this: CompileContext, token: Token) {
  this.config.enter.data?.call(this, token);
  this.config.exit.data?.call(this, token);
}

export const latexMathFromMarkdown: FromMarkdownExtension = {
  enter: { latexMathInline: enterMath(false), latexMathDisplay: enterMath(true) },
  exit: { latexMathInline: exitMath, latexMathDisplay: exitMath, latexMathData: exitMathData },
};
