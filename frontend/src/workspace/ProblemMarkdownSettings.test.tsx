// @vitest-environment jsdom
// The campaign's dollar_math, as the problem read brings it, reaches the Markdown renders.
import { act } from "react";
import { createRoot } from "react-dom/client";
import { expect, test } from "vitest";

import type { ProblemDetail } from "../api/types";
import { Markdown } from "../components/Markdown";
import { createWorkspaceStore } from "../store/workspace";
import { StoreContext } from "./context";
import { ProblemMarkdownSettings } from "./ProblemMarkdownSettings";

// A real client render: zustand serves server renders the store's initial state only.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

async function renderInWorkspace(dollarMath: boolean | null): Promise<HTMLElement> {
  const store = createWorkspaceStore();
  if (dollarMath !== null) {
    const navigation = { campaign_slug: "pilot", campaign_name: "Pilot", dollar_math: dollarMath };
    store.setState({ problem: { id: 1, navigation } as unknown as ProblemDetail });
  }
  const container = document.createElement("div");
  const root = createRoot(container);
  await act(() =>
    root.render(
      <StoreContext.Provider value={store}>
        <ProblemMarkdownSettings>
          <Markdown text="$3 each and $" />
        </ProblemMarkdownSettings>
      </StoreContext.Provider>,
    ),
  );
  return container;
}

test("a dollar_math campaign reads $3 each and $ as math", async () => {
  expect((await renderInWorkspace(true)).querySelector(".katex annotation")?.textContent).toBe(
    "3 each and ",
  );
});

test("other campaigns, and a problem still loading, read it as money", async () => {
  for (const setting of [false, null]) {
    const element = await renderInWorkspace(setting);
    expect(element.querySelector(".katex")).toBeNull();
    expect(element.textContent).toBe("$3 each and $");
  }
});
