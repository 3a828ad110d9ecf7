// The one component that renders user and model text: Markdown with LaTeX through KaTeX.
// react-markdown builds React elements (never innerHTML) and drops raw HTML, so markup in a
// step such as <img onerror=...> or <script> shows as nothing and runs nothing.
import "katex/dist/katex.min.css";

import { memo } from "react";
import ReactMarkdown from "react-markdown";
import rehypeKatex from "rehype-katex";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";

const remarkPlugins = [remarkGfm, remarkMath];
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
  return (
    <div className={className ? `markdown ${className}` : "markdown"}>
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins as never} skipHtml>
        {text}
      </ReactMarkdown>
    </div>
  );
});
