// The one component that renders user and model text: Markdown with LaTeX through KaTeX.
// react-markdown builds React elements (never innerHTML) and drops raw HTML, so markup in a
// step such as <img onerror=...> or <script> shows as nothing and runs nothing.
//
// Steps are arithmetic and money as much as prose, so the syntax is narrowed (see
// model/markdown/): `\(…\)`, `\[…\]` and `$$…$$` are math; `$…$` is math only by Pandoc's
// rule (tight on both sides, no digit after the closing `$`), so "$3 each and $1.50" stays
// money, unless the campaign's dollar_math says every `$…$` is math. `*` and `_` never make
// italics (2*3*4, a_1); `**bold**` at word edges survives. `#` never makes a heading
// ("#### 18"), `<<48/2=24>>` annotations and a single `~` show as written.
import "katex/dist/katex.min.css";

import { memo, useContext } from "react";
import ReactMarkdown from "react-markdown";
import rehypeKatex from "rehype-katex";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";

import { remarkStepText } from "../model/markdown/remarkStepText";
import { MarkdownSettingsContext } from "./markdown/settings";

function plugins(dollarMath: boolean) {
  return [
    [remarkGfm, { singleTilde: false }], // "~5 minutes" is not strikethrough
    [remarkMath, { singleDollarTextMath: dollarMath }],
    [remarkStepText, { dollarMath }],
  ] as const;
}

const remarkPlugins = { pandoc: plugins(false), dollar: plugins(true) };
const rehypePlugins = [
  [rehypeKatex, { throwOnError: false, strict: "ignore", trust: false }],
] as const;

export const Markdown = memo(function Markdown({
  text,
  className,
}: {
  text: string;
  className?: string;
}) {
  const { dollarMath } = useContext(MarkdownSettingsContext);
  return (
    <div className={className ? `markdown ${className}` : "markdown"}>
      <ReactMarkdown
        remarkPlugins={(dollarMath ? remarkPlugins.dollar : remarkPlugins.pandoc) as never}
        rehypePlugins={rehypePlugins as never}
        skipHtml
      >
        {text}
      </ReactMarkdown>
    </div>
  );
});
