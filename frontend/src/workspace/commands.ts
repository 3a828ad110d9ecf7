// Every workspace command, in one registry: the keyboard, the help overlay and the buttons
// all read it.
import { startCritiqueLoop, startExpand, startFirstError, startRollouts } from "../api/jobs";
import { createRegistry, type Command } from "../model/commands";
import type { WorkspaceStore } from "../store/workspace";

export interface CommandContext {
  store: WorkspaceStore;
  focusSearch: () => void;
  fitView: () => void;
}

const state = (context: CommandContext) => context.store.getState();
const hasStep = (context: CommandContext) => {
  const { selected, index } = state(context);
  return selected !== null && index.nodes.get(selected)?.kind !== "root";
};
const hasNode = (context: CommandContext) => state(context).selected !== null;

export function expand(context: CommandContext): void {
  const { selected, expandK, runJob } = state(context);
  if (selected !== null) void runJob(() => startExpand(selected, { k: expandK }));
}

export function rollouts(context: CommandContext): void {
  const { selected, rolloutN, runJob } = state(context);
  if (selected !== null)
    void runJob(() => startRollouts(selected, { n: rolloutN, keep_branches: true }));
}

export function critiqueLoop(context: CommandContext): void {
  const { selected, runJob } = state(context);
  if (selected !== null) void runJob(() => startCritiqueLoop(selected, { rounds: 3 }));
}

export function firstError(context: CommandContext): void {
  const { selected, runJob } = state(context);
  if (selected !== null) void runJob(() => startFirstError(selected));
}

const commands: Command<CommandContext>[] = [
  {
    id: "label.good",
    label: "Label +1 (correct and useful)",
    keys: ["1"],
    group: "Label",
    enabled: hasStep,
    perform: (c) => void state(c).label(1),
  },
  {
    id: "label.neutral",
    label: "Label 0 (correct, no progress)",
    keys: ["2"],
    group: "Label",
    enabled: hasStep,
    perform: (c) => void state(c).label(0),
  },
  {
    id: "label.bad",
    label: "Label −1 (wrong)",
    keys: ["3"],
    group: "Label",
    enabled: hasStep,
    perform: (c) => void state(c).label(-1),
  },
  {
    id: "label.clear",
    label: "Clear my label (with its note and flag)",
    keys: ["0"],
    group: "Label",
    enabled: hasStep,
    perform: (c) => void state(c).label(null),
  },
  {
    id: "label.flag",
    label: "Flag or unflag my label",
    keys: ["!"],
    group: "Label",
    enabled: hasStep,
    perform: (c) => {
      const { selected, index, changeLabel } = state(c);
      const node = selected === null ? undefined : index.nodes.get(selected);
      if (node) void changeLabel(node.id, { flagged: !node.my_flagged });
    },
  },
  {
    id: "move.parent",
    label: "Up to the parent step",
    keys: ["ArrowUp", "k"],
    group: "Move",
    enabled: hasNode,
    perform: (c) => state(c).moveSelection("parent"),
  },
  {
    id: "move.child",
    label: "Down to a child step",
    keys: ["ArrowDown", "j"],
    group: "Move",
    enabled: hasNode,
    perform: (c) => state(c).moveSelection("child"),
  },
  {
    id: "move.prev",
    label: "Previous sibling",
    keys: ["ArrowLeft", "h"],
    group: "Move",
    enabled: hasNode,
    perform: (c) => state(c).moveSelection("prevSibling"),
  },
  {
    id: "move.next",
    label: "Next sibling",
    keys: ["ArrowRight", "l"],
    group: "Move",
    enabled: hasNode,
    perform: (c) => state(c).moveSelection("nextSibling"),
  },
  {
    id: "tree.collapse",
    label: "Collapse or expand the subtree",
    keys: ["c"],
    group: "Move",
    enabled: hasNode,
    perform: (c) => {
      const { selected, toggleCollapse } = state(c);
      if (selected !== null) toggleCollapse(selected);
    },
  },
  {
    id: "view.fit",
    label: "Fit the tree in view",
    keys: ["f"],
    group: "Move",
    perform: (c) => c.fitView(),
  },
  {
    id: "view.dag",
    label: "Switch between the tree and the merged step DAG",
    keys: ["g"],
    group: "Move",
    perform: (c) => {
      const { view, setView } = state(c);
      setView(view === "tree" ? "dag" : "tree");
    },
  },
  {
    id: "view.search",
    label: "Search step text",
    keys: ["/"],
    group: "Move",
    perform: (c) => c.focusSearch(),
  },
  {
    id: "step.edit",
    label: "Edit the step",
    keys: ["e"],
    group: "Write",
    enabled: hasStep,
    perform: (c) => state(c).setPanel("edit"),
  },
  {
    id: "step.add",
    label: "Add my own next step",
    keys: ["a"],
    group: "Write",
    enabled: hasNode,
    perform: (c) => state(c).setPanel("add"),
  },
  {
    id: "history.undo",
    label: "Undo my last edit",
    keys: ["z", "Ctrl+z"],
    group: "Write",
    perform: (c) => void state(c).undo(),
  },
  {
    id: "history.redo",
    label: "Redo",
    keys: ["Z", "Ctrl+Z", "Ctrl+y"],
    group: "Write",
    perform: (c) => void state(c).redo(),
  },
  {
    id: "model.expand",
    label: "Ask the model for next-step candidates",
    keys: ["x"],
    group: "Model",
    enabled: hasNode,
    perform: expand,
  },
  {
    id: "model.rollouts",
    label: "Roll out to answers (Monte-Carlo value)",
    keys: ["r"],
    group: "Model",
    enabled: hasNode,
    perform: rollouts,
  },
  {
    id: "model.firstError",
    label: "Find the first error on this path",
    keys: ["p"],
    group: "Model",
    enabled: hasStep,
    perform: firstError,
  },
  {
    id: "model.critique",
    label: "Start a propose-critique loop here (3 rounds)",
    keys: ["q"],
    group: "Model",
    enabled: hasNode,
    perform: critiqueLoop,
  },
  {
    id: "help.toggle",
    label: "Show or hide this help",
    keys: ["?"],
    group: "Help",
    perform: (c) => state(c).toggleHelp(),
  },
  {
    id: "help.close",
    label: "Close help, editor or dialog",
    keys: ["Escape"],
    group: "Help",
    perform: (c) => {
      const { toggleHelp, setPanel, dismiss } = state(c);
      toggleHelp(false);
      setPanel("view");
      dismiss();
    },
  },
];

export const registry = createRegistry(commands);
