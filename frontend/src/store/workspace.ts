// The workspace's one store (zustand): the tree, the selection, jobs, viewers and my history.
// Local actions go through the API and are undoable; websocket events are applied as
// non-undoable updates. One store per open workspace, created by the page.
import { createStore } from "zustand/vanilla";

import { ApiError, del, get, patch, post, put } from "../api/client";
import { cancelJob as cancelJobRequest, getJob, listTreeJobs } from "../api/jobs";
import type { ProblemDetail } from "../api/types";
import { applyTreeEvent, type TreeEvent } from "../model/events";
import {
  clearedNotice,
  LABEL_FIRST,
  labelFields,
  myLabelOf,
  planLabel,
  ratingText,
  type LabelChange,
  type MyLabel,
} from "../model/labels";
import { revealed } from "../model/layout";
import { move, type Direction } from "../model/nav";
import { applyPresence, type PresenceEvent, type Viewer } from "../model/presence";
import { indexTree, patchNode, pathTo, upsertNode, type TreeIndex } from "../model/tree";
import type { ApiNode, ApiTree, Job, Rating } from "../model/types";
import {
  EMPTY_HISTORY,
  record,
  redo as redoHistory,
  undo as undoHistory,
  type Entry,
  type History,
  type Operation,
} from "../model/undo";
import type { SocketStatus } from "../realtime/treeSocket";
import { createJobTracker } from "./jobs";

export interface Conflict {
  nodeId: number;
  mine: string;
  current: ApiNode;
}

export type Panel = "view" | "edit" | "add";

export interface WorkspaceState {
  problem: ProblemDetail | null;
  treeId: number | null;
  index: TreeIndex;
  suggestions: ApiTree["suggestions"];
  selected: number | null;
  collapsed: ReadonlySet<number>;
  lastChild: ReadonlyMap<number, number>;
  /** Every job on this tree the tracker knows, as the server last said (store/jobs.ts). */
  jobs: ReadonlyMap<number, Job>;
  /** The tree's jobs came from the server (the job log), or why they did not. */
  jobsLoaded: boolean;
  jobsError: string | null;
  viewers: ReadonlyMap<string, Viewer>;
  history: History;
  conflict: Conflict | null;
  panel: Panel;
  connection: SocketStatus;
  error: string | null;
  notice: string | null;
  me: number | null;
  helpOpen: boolean;
  search: string;
  /** Bumped when the selection moves by keyboard, so the canvas brings it into view. */
  focusTick: number;
  /** Model action sizes: candidates per expansion, rollouts per request. */
  expandK: number;
  rolloutN: number;
  /** Bumped by each critique event, so an open loop thread reloads. */
  critiqueTick: number;
  /** The canvas shows the tree, or the merged step DAG. */
  view: "tree" | "dag";
}

export interface WorkspaceActions {
  load: (problemId: number) => Promise<void>;
  resync: () => Promise<void>;
  select: (id: number, fromKeyboard?: boolean) => void;
  moveSelection: (direction: Direction) => void;
  toggleCollapse: (id: number) => void;
  setPanel: (panel: Panel) => void;
  setSearch: (search: string) => void;
  toggleHelp: (open?: boolean) => void;
  setMe: (id: number | null) => void;
  setSizes: (sizes: { expandK?: number; rolloutN?: number }) => void;
  setView: (view: "tree" | "dag") => void;
  receive: (message: { type: string; [key: string]: unknown }) => void;
  setConnection: (status: SocketStatus) => void;
  /** Rate the selected step (its note and flag stay); null clears my whole label, visibly. */
  label: (rating: Rating | null) => Promise<void>;
  /** Change parts of my label on a step (a note, a flag): optimistic and undoable; false
   * when refused ("label first") or failed. */
  changeLabel: (nodeId: number, change: LabelChange) => Promise<boolean>;
  saveText: (nodeId: number, text: string, version: number) => Promise<boolean>;
  resolveConflict: (text: string | null) => Promise<void>;
  addStep: (parentId: number, text: string, kind: "step" | "answer") => Promise<ApiNode | null>;
  deleteStep: (nodeId: number) => Promise<void>;
  /** Start a job with a typed endpoint function (src/api/jobs.ts) and track it; null (and
   * the error shown) when the server refused. */
  runJob: (start: () => Promise<Job>) => Promise<Job | null>;
  /** Take a copy of a job from an answer of the server (a loop's detail, a pause). */
  trackJob: (job: Job) => void;
  /** Track a job started elsewhere until it finishes; resolves with its final state. */
  followJob: (job: Job) => Promise<Job>;
  cancelJob: (jobId: number) => Promise<void>;
  /** Read the tree's jobs again (after the socket was away: jobs started meanwhile). */
  reloadJobs: () => Promise<void>;
  /** Run the job poller while the page is mounted; returns its stop (an effect's cleanup). */
  watchJobs: () => () => void;
  reviewSuggestion: (suggestionId: number, accept: boolean) => Promise<void>;
  undo: () => Promise<void>;
  redo: () => Promise<void>;
  dismiss: () => void;
}

export type Workspace = WorkspaceState & WorkspaceActions;
export type WorkspaceStore = ReturnType<typeof createWorkspaceStore>;

const EMPTY_INDEX: TreeIndex = { root: null, nodes: new Map(), children: new Map() };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createWorkspaceStore() {
  return createStore<Workspace>()((set, getState) => {
    const fail = (error: unknown) => set({ error: message(error) });

    // My writes reach the server in the order I made them (a label, then its undo), even
    // though each is its own request.
    let tail: Promise<unknown> = Promise.resolve();
    const inOrder = <T>(write: () => Promise<T>): Promise<T> => {
      const run = tail.then(write, write);
      tail = run.catch(() => undefined);
      return run;
    };

    const applyNode = (node: ApiNode) => set((state) => ({ index: upsertNode(state.index, node) }));

    /** Perform one undoable operation through the API; returns the node it produced. */
    const perform = async (operation: Operation): Promise<void> => {
      const state = getState();
      switch (operation.type) {
        case "label": {
          // The whole label as it was (or is to be): rating, note and flag together.
          const node =
            operation.label === null
              ? await del<ApiNode>(`/nodes/${operation.nodeId}/label/`)
              : await put<ApiNode>(`/nodes/${operation.nodeId}/label/`, operation.label);
          applyNode(node);
          return;
        }
        case "text": {
          const current = state.index.nodes.get(operation.nodeId);
          if (!current) return;
          await getState().saveText(operation.nodeId, operation.text, current.version);
          return;
        }
        case "delete":
          applyNode(await del<ApiNode>(`/nodes/${operation.nodeId}/`));
          return;
        case "restore":
          applyNode(await post<ApiNode>(`/nodes/${operation.nodeId}/restore/`));
          await getState().resync(); // the steps below it come back too
          return;
      }
    };

    // Label writes in flight per node: until the last answer, my own label events for that
    // node change only its counts, so a late event cannot undo a newer optimistic change.
    const labelsInFlight = new Map<number, number>();
    const settleLabel = (nodeId: number, saved: ApiNode | null) => {
      const left = (labelsInFlight.get(nodeId) ?? 1) - 1;
      if (left > 0) labelsInFlight.set(nodeId, left);
      else labelsInFlight.delete(nodeId);
      if (!saved) return;
      const held = getState().index.nodes.get(nodeId);
      // An earlier answer while a later change is in flight: keep my label as I see it.
      applyNode(left > 0 && held ? { ...saved, ...labelFields(myLabelOf(held)) } : saved);
    };

    /** One change of my label (null: clear it), optimistic and undoable. */
    const writeLabel = async (nodeId: number, change: LabelChange | null): Promise<boolean> => {
      const node = getState().index.nodes.get(nodeId);
      if (!node || node.kind === "root") return false;
      const plan = planLabel(nodeId, myLabelOf(node), change);
      if (plan === "needs rating") {
        set({ error: LABEL_FIRST });
        return false;
      }
      const { before, after, entry } = plan;
      if (entry === null) return true;
      // Optimistic: my label and its undo entry exist at once, so a quick z after a label
      // undoes that label; the server's answer replaces the node when it comes.
      labelsInFlight.set(nodeId, (labelsInFlight.get(nodeId) ?? 0) + 1);
      set((state) => ({
        index: patchNode(state.index, nodeId, labelFields(after)),
        history: record(state.history, entry),
      }));
      try {
        const saved = await inOrder(() =>
          after === null
            ? del<ApiNode>(`/nodes/${nodeId}/label/`)
            : patch<ApiNode>(`/nodes/${nodeId}/label/`, change ?? {}),
        );
        settleLabel(nodeId, saved);
        return true;
      } catch (error) {
        settleLabel(nodeId, null);
        // Take back only this change and its entry; later ones stay.
        set((state) => ({
          index: patchNode(state.index, nodeId, labelFields(before)),
          history: {
            past: state.history.past.filter((item) => item !== entry),
            future: state.history.future.filter((item) => item !== entry),
          },
        }));
        fail(error);
        return false;
      }
    };

    // The one job tracker: socket events first, polling only for quiet unfinished jobs.
    const tracker = createJobTracker({
      api: {
        fetch: getJob,
        cancel: cancelJobRequest,
        listTree: (slug, tree) => listTreeJobs(slug, tree),
      },
      emit: (jobs) => set({ jobs }),
      onFinish: (job) => {
        if (job.status === "failed") set({ error: `The ${job.kind} job failed: ${job.error}` });
        // New nodes arrived as events; a reload repairs anything a dropped socket missed.
        void getState().resync();
      },
    });
    const loadJobs = async () => {
      const { problem, treeId } = getState();
      if (!problem || treeId === null) return;
      try {
        await tracker.loadTree(problem.navigation.campaign_slug, treeId);
        set({ jobsLoaded: true, jobsError: null });
      } catch (error) {
        set({ jobsError: message(error) });
      }
    };

    return {
      problem: null,
      treeId: null,
      index: EMPTY_INDEX,
      suggestions: {},
      selected: null,
      collapsed: new Set(),
      lastChild: new Map(),
      jobs: new Map(),
      jobsLoaded: false,
      jobsError: null,
      viewers: new Map(),
      history: EMPTY_HISTORY,
      conflict: null,
      panel: "view",
      connection: "connecting",
      error: null,
      notice: null,
      me: null,
      helpOpen: false,
      search: "",
      focusTick: 0,
      expandK: 4,
      rolloutN: 8,
      critiqueTick: 0,
      view: "tree",

      async load(problemId) {
        try {
          const problem = await get<ProblemDetail>(`/problems/${problemId}/`);
          const tree = await get<ApiTree>(`/problems/${problemId}/tree/`);
          const index = indexTree(tree.nodes);
          set({
            problem,
            treeId: tree.id,
            index,
            suggestions: tree.suggestions,
            selected: index.root,
            error: null,
          });
        } catch (error) {
          fail(error);
          return;
        }
        await loadJobs();
      },

      async resync() {
        const { problem } = getState();
        if (!problem) return;
        try {
          const tree = await get<ApiTree>(`/problems/${problem.id}/tree/`);
          const index = indexTree(tree.nodes);
          // The selection as it is now: the user may have moved while the tree loaded.
          set((state) => ({
            index,
            suggestions: tree.suggestions,
            selected:
              state.selected !== null && index.nodes.has(state.selected)
                ? state.selected
                : index.root,
          }));
        } catch (error) {
          fail(error);
        }
      },

      select(id, fromKeyboard = false) {
        set((state) => {
          if (!state.index.nodes.has(id)) return {};
          const lastChild = new Map(state.lastChild);
          const path = pathTo(state.index, id);
          for (let i = 0; i + 1 < path.length; i++) lastChild.set(path[i]!, path[i + 1]!);
          return {
            selected: id,
            lastChild,
            collapsed: revealed(state.index, state.collapsed, id),
            panel: state.panel === "view" ? "view" : state.panel,
            focusTick: fromKeyboard ? state.focusTick + 1 : state.focusTick,
          };
        });
      },

      moveSelection(direction) {
        const { index, selected, lastChild } = getState();
        if (selected === null) return;
        const target = move(index, selected, direction, lastChild);
        if (direction === "child" && getState().collapsed.has(selected)) {
          getState().toggleCollapse(selected);
        }
        getState().select(target, true);
      },

      toggleCollapse(id) {
        set((state) => {
          const collapsed = new Set(state.collapsed);
          if (collapsed.has(id)) collapsed.delete(id);
          else collapsed.add(id);
          return { collapsed };
        });
      },

      setPanel: (panel) => set({ panel }),
      setSearch: (search) => set({ search }),
      toggleHelp: (open) => set((state) => ({ helpOpen: open ?? !state.helpOpen })),
      setMe: (me) => set({ me }),
      setSizes: (sizes) => set(sizes),
      setView: (view) => set({ view }),
      setConnection: (connection) => {
        tracker.setLive(connection === "live");
        set({ connection });
      },
      dismiss: () => set({ error: null, notice: null }),

      receive(event) {
        if (event.type.startsWith("presence.")) {
          set((state) => ({ viewers: applyPresence(state.viewers, event as PresenceEvent) }));
          return;
        }
        if (event.type === "job.progress") {
          tracker.accept((event as Extract<TreeEvent, { type: "job.progress" }>).job);
          return;
        }
        if (event.type === "hello" || event.type === "pong") return;
        if (event.type === "node.restored") {
          void getState().resync(); // a restored step brings its subtree back
          return;
        }
        if (event.type === "critique.created") {
          set((state) => ({ critiqueTick: state.critiqueTick + 1 }));
          return;
        }
        const tree = event as TreeEvent;
        const mineInFlight = tree.type === "label.changed" && labelsInFlight.has(tree.node_id);
        set((state) => ({
          index: applyTreeEvent(state.index, tree, mineInFlight ? null : state.me),
        }));
      },

      async label(rating) {
        const { selected, index } = getState();
        if (selected === null) return;
        const node = index.nodes.get(selected);
        if (!node || node.kind === "root") return;
        const before: MyLabel | null = myLabelOf(node);
        if (rating === null) {
          if (!before) return set({ notice: "No label of mine to clear on this step." });
          set({ notice: clearedNotice(before) }); // clearing takes the note and flag: say so
          await writeLabel(selected, null);
          return;
        }
        if (before?.rating === rating) {
          // A second press or click never clears silently: clearing is its own action.
          return set({ notice: `My label is already ${ratingText(rating)}; 0 clears it.` });
        }
        await writeLabel(selected, { rating });
      },

      changeLabel: (nodeId, change) => writeLabel(nodeId, change),

      async saveText(nodeId, text, version) {
        const before = getState().index.nodes.get(nodeId);
        try {
          const saved = await patch<ApiNode>(`/nodes/${nodeId}/`, { text, version });
          applyNode(saved);
          if (before && before.text !== text) {
            set((state) => ({
              history: record(state.history, {
                label: "edit",
                undo: { type: "text", nodeId, text: before.text },
                redo: { type: "text", nodeId, text },
              }),
            }));
          }
          set({ panel: "view", conflict: null });
          return true;
        } catch (error) {
          if (error instanceof ApiError && error.status === 409 && error.body.current) {
            const current = error.body.current as ApiNode;
            applyNode(current);
            set({ conflict: { nodeId, mine: text, current } });
            return false;
          }
          fail(error);
          return false;
        }
      },

      async resolveConflict(text) {
        const conflict = getState().conflict;
        if (!conflict) return;
        if (text === null) {
          set({ conflict: null, panel: "view" }); // take theirs: it is already shown
          return;
        }
        await getState().saveText(conflict.nodeId, text, conflict.current.version);
      },

      async addStep(parentId, text, kind) {
        try {
          const node = await post<ApiNode>(`/nodes/${parentId}/children/`, { text, kind });
          applyNode(node);
          set((state) => ({
            history: record(state.history, {
              label: "add step",
              undo: { type: "delete", nodeId: node.id },
              redo: { type: "restore", nodeId: node.id },
            }),
            panel: "view",
          }));
          getState().select(node.id, true);
          return node;
        } catch (error) {
          fail(error);
          return null;
        }
      },

      async deleteStep(nodeId) {
        const node = getState().index.nodes.get(nodeId);
        try {
          applyNode(await del<ApiNode>(`/nodes/${nodeId}/`));
          set((state) => ({
            history: record(state.history, {
              label: "delete step",
              undo: { type: "restore", nodeId },
              redo: { type: "delete", nodeId },
            }),
          }));
          if (node?.parent != null) getState().select(node.parent, true);
        } catch (error) {
          fail(error);
        }
      },

      async runJob(start) {
        try {
          const job = await start();
          tracker.accept(job);
          return job;
        } catch (error) {
          fail(error);
          return null;
        }
      },

      trackJob: (job) => tracker.accept(job),

      followJob(job) {
        tracker.accept(job);
        return tracker.settled(job.id);
      },

      async cancelJob(jobId) {
        try {
          await tracker.cancel(jobId);
        } catch (error) {
          fail(error);
        }
      },

      reloadJobs: loadJobs,

      watchJobs() {
        tracker.start();
        return () => tracker.stop();
      },

      async reviewSuggestion(suggestionId, accept) {
        try {
          await post(`/suggestions/${suggestionId}/review/`, { accept });
          await getState().resync();
        } catch (error) {
          fail(error);
        }
      },

      async undo() {
        const step = undoHistory(getState().history);
        if (!step) return set({ notice: "Nothing to undo." });
        await replay(step, "Undid");
      },

      async redo() {
        const step = redoHistory(getState().history);
        if (!step) return set({ notice: "Nothing to redo." });
        await replay(step, "Redid");
      },
    };

    async function replay(step: { history: History; entry: Entry }, verb: string) {
      const before = getState().history;
      const operation = step.history.future[0] === step.entry ? step.entry.undo : step.entry.redo;
      set({ history: step.history }); // a second z at once undoes the entry before this one
      try {
        await inOrder(() => perform(operation));
        // perform() may record a new entry (a text save); the replayed history wins.
        set({ history: step.history, notice: `${verb} ${step.entry.label}.` });
        getState().select(operation.nodeId);
      } catch (error) {
        set({ history: before });
        fail(error);
      }
    }
  });
}
