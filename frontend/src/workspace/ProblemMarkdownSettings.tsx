// Every Markdown render in the workspace (path panel, tabs, long thoughts, dialogs) reads the
// problem's campaign setting from here: whether every `$…$` is math.
import { useMemo, type ReactNode } from "react";

import { MarkdownSettingsContext } from "../components/markdown/settings";
import { useWorkspace } from "./context";

export function ProblemMarkdownSettings({ children }: { children: ReactNode }) {
  const dollarMath = useWorkspace((s) => s.problem?.navigation.dollar_math ?? false);
  const settings = useMemo(() => ({ dollarMath }), [dollarMath]);
  return (
    <MarkdownSettingsContext.Provider value={settings}>{children}</MarkdownSettingsContext.Provider>
  );
}
