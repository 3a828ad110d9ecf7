// The expert's workspace: header, tree canvas, path panel, tabs; keyboard first; live.
import "../workspace/workspace.css";

import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";

import { dispatchKey } from "../model/commands";
import { connectTreeSocket } from "../realtime/treeSocket";
import { createWorkspaceStore, type WorkspaceStore } from "../store/workspace";
import { BottomTabs } from "../workspace/BottomTabs";
import { registry, type CommandContext } from "../workspace/commands";
import { ConflictDialog } from "../workspace/ConflictDialog";
import { DagCanvas } from "../workspace/DagCanvas";
import { StoreContext, useWorkspace } from "../workspace/context";
import { HelpOverlay } from "../workspace/HelpOverlay";
import { PathPanel } from "../workspace/PathPanel";
import { ProblemMarkdownSettings } from "../workspace/ProblemMarkdownSettings";
import { Presence } from "../workspace/Presence";
import { TreeCanvas } from "../workspace/TreeCanvas";
import { useMe } from "./AppShell";

export function WorkspacePage() {
  const { problemId = "0" } = useParams();
  // A new store per problem: nothing from one tree leaks into the next.
  const [store, setStore] = useState<{ id: string; store: WorkspaceStore }>(() => ({
    id: problemId,
    store: createWorkspaceStore(),
  }));
  if (store.id !== problemId) setStore({ id: problemId, store: createWorkspaceStore() });
  return (
    <StoreContext.Provider value={store.store}>
      <ProblemMarkdownSettings>
        <ReactFlowProvider>
          <Workspace key={problemId} problemId={Number(problemId)} store={store.store} />
        </ReactFlowProvider>
      </ProblemMarkdownSettings>
    </StoreContext.Provider>
  );
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

function Workspace({ problemId, store }: { problemId: number; store: WorkspaceStore }) {
  const me = useMe();
  const navigate = useNavigate();
  const problem = useWorkspace((s) => s.problem);
  const treeId = useWorkspace((s) => s.treeId);
  const nodeCount = useWorkspace((s) => s.index.nodes.size);
  const error = useWorkspace((s) => s.error);
  const notice = useWorkspace((s) => s.notice);
  const dismiss = useWorkspace((s) => s.dismiss);
  const search = useWorkspace((s) => s.search);
  const setSearch = useWorkspace((s) => s.setSearch);
  const view = useWorkspace((s) => s.view);
  const setView = useWorkspace((s) => s.setView);
  const searchRef = useRef<HTMLInputElement>(null);
  const fitRef = useRef<() => void>(() => {});

  useEffect(() => {
    void store.getState().load(problemId);
  }, [store, problemId]);

  useEffect(() => store.getState().setMe(me?.id ?? null), [store, me]);

  // The job poller lives as long as the page: its timer is cleared on unmount.
  useEffect(() => store.getState().watchJobs(), [store]);

  useEffect(() => {
    if (treeId === null) return;
    return connectTreeSocket(treeId, {
      onMessage: (message) => store.getState().receive(message),
      onStatus: (status) => store.getState().setConnection(status),
      onReconnect: () => {
        // Events sent while away are lost: read the tree and its jobs again.
        void store.getState().resync();
        void store.getState().reloadJobs();
      },
    });
  }, [store, treeId]);

  useEffect(() => {
    const context: CommandContext = {
      store,
      focusSearch: () => searchRef.current?.focus(),
      fitView: () => fitRef.current(),
    };
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event.target) && event.key !== "Escape") return;
      if (store.getState().conflict) return; // the dialog needs an answer first
      if (dispatchKey(registry, event, context)) event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [store]);

  useEffect(() => {
    if (!notice) return;
    const timer = window.setTimeout(dismiss, 2500);
    return () => window.clearTimeout(timer);
  }, [notice, dismiss]);

  const onFitReady = useCallback((fit: () => void) => {
    fitRef.current = fit;
  }, []);

  const nav = problem?.navigation;
  return (
    <div className="workspace">
      <header className="ws-head">
        <div className="ws-title">
          {nav && (
            <Link to={`/campaigns/${nav.campaign_slug}`} className="muted">
              {nav.campaign_name}
            </Link>
          )}
          <span className="ws-problem">
            Problem {nav ? `${nav.position}/${nav.total}` : ""}{" "}
            <span className="mono muted">{problem?.external_id}</span>
          </span>
          <button
            className="small"
            disabled={!nav?.prev}
            onClick={() => nav?.prev && navigate(`/problems/${nav.prev}`)}
          >
            ← prev
          </button>
          <button
            className="small"
            disabled={!nav?.next}
            onClick={() => nav?.next && navigate(`/problems/${nav.next}`)}
          >
            next →
          </button>
          <span className="muted">{nodeCount} steps</span>
        </div>
        <div className="segmented" role="group" aria-label="Canvas view">
          <button className={view === "tree" ? "active" : ""} onClick={() => setView("tree")}>
            Tree
          </button>
          <button className={view === "dag" ? "active" : ""} onClick={() => setView("dag")}>
            DAG <kbd>g</kbd>
          </button>
        </div>
        <input
          ref={searchRef}
          type="search"
          className="ws-search"
          placeholder="Search steps  /"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Escape" || event.key === "Enter") event.currentTarget.blur();
          }}
        />
        <Presence />
        <button
          className="small"
          onClick={() => store.getState().toggleHelp(true)}
          title="Keyboard shortcuts"
        >
          ? keys
        </button>
      </header>
      {(error || notice) && (
        <div className={error ? "ws-flash error" : "ws-flash"} role={error ? "alert" : "status"}>
          {error ?? notice}
          <button className="link" onClick={dismiss}>
            dismiss
          </button>
        </div>
      )}
      <div className="ws-main">
        <div className="ws-canvas">
          {view === "tree" ? <TreeCanvas onFitReady={onFitReady} /> : <DagCanvas />}
        </div>
        <PathPanel />
      </div>
      <BottomTabs role={nav?.my_role ?? null} />
      <HelpOverlay />
      <ConflictDialog />
    </div>
  );
}
