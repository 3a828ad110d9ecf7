// Components read the workspace store through selectors, so only what changed re-renders.
import { createContext, useContext } from "react";
import { useStore } from "zustand";

import type { Workspace, WorkspaceStore } from "../store/workspace";

export const StoreContext = createContext<WorkspaceStore | null>(null);

export function useWorkspaceStore(): WorkspaceStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error("useWorkspace outside a workspace");
  return store;
}

export function useWorkspace<T>(selector: (state: Workspace) => T): T {
  return useStore(useWorkspaceStore(), selector);
}
