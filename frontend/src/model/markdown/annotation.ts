// GSM8K calculator annotations, `<<48/2=24>>`, as a micromark construct: shown exactly as
// written (a span with the class "calc"), never read as HTML, an autolink or emphasis.
import type { CompileContext, Extension as FromMarkdownExtension } from "mdast-util-from-markdown";
import type { Code, Construct, State, Token } from "micromark-util-types";

import { GREATER_THAN, LESS_THAN, isLineEnding } from "./chars";

declare module "micromark-util-types" {
  interface TokenTypeMap {
    calcAnnotation: "calcAnnotation";
  }
}

declare module "mdast" {
  interface CalcAnnotation extends Literal {
    type: "calcAnnotation";
  }
  interface PhrasingContentMap {
    calcAnnotation: CalcAnnotation;
  }
  interface RootContentMap {
    calcAnnotation: CalcAnnotation;
  }
}

/** `<<`, then anything on the same line, then the first `>>`; at least one character inside. */
export const calcAnnotation: Construct = {
  name: "calcAnnotation",
  tokenize(effects, ok, nok) {
    let size = 0;

    const start: State = (code) => {
      effects.enter("calcAnnotation");
      effects.consume(code);
      return second;
    };

    const second: State = (code) => {
      if (code !== LESS_THAN) return nok(code);
      effects.consume(code);
      return inside;
    };

    const inside: State = (code: Code) => {
      if (code === null || isLineEnding(code)) return nok(code);
      effects.consume(code);
      if (code === GREATER_THAN && size > 0) return closing;
      size += 1;
      return inside;
    };

    const closing: State = (code) => {
      if (code !== GREATER_THAN) {
        size += 1;
        return inside(code);
      }
      effects.consume(code);
      effects.exit("calcAnnotation");
      return ok;
    };

    return start;
  },
};

function enterAnnotation(this: CompileContext, token: Token) {
  const value = this.sliceSerialize(token);
  this.enter(
    {
      type: "calcAnnotation",
      value,
      data: {
        hName: "span",
        hProperties: { className: ["calc"] },
        hChildren: [{ type: "text", value }],
      },
    },
    token,
  );
}

function exitAnnotation(this: CompileContext, token: Token) {
  this.exit(token);
}

export const calcAnnotationFromMarkdown: FromMarkdownExtension = {
  enter: { calcAnnotation: enterAnnotation },
  exit: { calcAnnotation: exitAnnotation },
};
