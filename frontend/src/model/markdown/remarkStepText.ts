// The remark plugin that makes Markdown read reasoning steps as written (see Markdown.tsx).
// Use after remark-math, which owns `$$…$$`; this adds `\(…\)`, `\[…\]`, Pandoc's `$…$`
// (unless the campaign reads every `$` as math), `<<…>>` annotations and bold-only emphasis,
// and turns off italics and headings, which arithmetic and "#### 18" answer lines trip.
import type { Extension as MicromarkExtension } from "micromark-util-types";
import type {} from "remark-parse"; // declares micromarkExtensions on unified's Data
import type { Processor } from "unified";

import { calcAnnotation, calcAnnotationFromMarkdown } from "./annotation";
import { ASTERISK, BACKSLASH, DOLLAR, LESS_THAN } from "./chars";
import { latexDelimitedMath, latexMathFromMarkdown, pandocDollarMath } from "./math";
import { boldOnly } from "./strong";

export interface StepTextOptions {
  /** Read every `$…$` as math (remark-math's rule) instead of Pandoc's money-safe one. */
  dollarMath?: boolean;
}

const stepSyntax: MicromarkExtension = {
  // CommonMark's `attention` is `*`/`_` emphasis; `boldOnly` replaces it.
  disable: { null: ["attention", "headingAtx", "setextUnderline"] },
  text: {
    [ASTERISK]: boldOnly,
    [BACKSLASH]: latexDelimitedMath,
    [LESS_THAN]: calcAnnotation,
  },
};

const pandocDollars: MicromarkExtension = { text: { [DOLLAR]: pandocDollarMath } };

export function remarkStepText(this: Processor, options: StepTextOptions = {}): undefined {
  const data = this.data();
  const micromark = (data.micromarkExtensions ??= []);
  const fromMarkdown = (data.fromMarkdownExtensions ??= []);
  micromark.push(stepSyntax);
  if (!options.dollarMath) micromark.push(pandocDollars);
  fromMarkdown.push(latexMathFromMarkdown, calcAnnotationFromMarkdown);
}
