// How the campaign on screen wants Markdown read; the workspace provides it from its problem.
import { createContext } from "react";

export interface MarkdownSettings {
  /** The campaign's dollar_math: every `$…$` is math, as in a LaTeX-only data set. */
  dollarMath: boolean;
}

export const MarkdownSettingsContext = createContext<MarkdownSettings>({ dollarMath: false });
