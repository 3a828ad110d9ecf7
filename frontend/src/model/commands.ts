// Commands as a registry: each has a name, a label, its key bindings and `perform`. The
// keyboard handler, the help overlay and the buttons all read the same registry.

export interface Command<Context> {
  id: string;
  label: string;
  keys: readonly string[];
  group: string;
  perform: (context: Context) => void;
  enabled?: (context: Context) => boolean;
}

export interface Registry<Context> {
  readonly commands: readonly Command<Context>[];
  byKey: (key: string) => Command<Context> | undefined;
  byId: (id: string) => Command<Context> | undefined;
}

export function createRegistry<Context>(commands: readonly Command<Context>[]): Registry<Context> {
  const keys = new Map<string, Command<Context>>();
  const ids = new Map<string, Command<Context>>();
  for (const command of commands) {
    if (ids.has(command.id)) throw new Error(`Two commands are named ${command.id}`);
    ids.set(command.id, command);
    for (const key of command.keys) {
      const other = keys.get(key);
      if (other) throw new Error(`Key ${key} is bound to both ${other.id} and ${command.id}`);
      keys.set(key, command);
    }
  }
  return { commands, byKey: (key) => keys.get(key), byId: (id) => ids.get(id) };
}

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/** The binding name of a key press: "x", "Z", "ArrowUp", "Ctrl+z". Shift shows in the letter. */
export function keyName(event: KeyLike): string {
  const modifiers = [event.ctrlKey || event.metaKey ? "Ctrl" : "", event.altKey ? "Alt" : ""];
  return [...modifiers.filter(Boolean), event.key].join("+");
}

/** Run the command bound to a key press; true when one ran. */
export function dispatchKey<Context>(
  registry: Registry<Context>,
  event: KeyLike,
  context: Context,
): boolean {
  const command = registry.byKey(keyName(event));
  if (!command || (command.enabled && !command.enabled(context))) return false;
  command.perform(context);
  return true;
}

/** Commands grouped for the help overlay, in registry order. */
export function helpGroups<Context>(
  registry: Registry<Context>,
): { group: string; commands: Command<Context>[] }[] {
  const groups = new Map<string, Command<Context>[]>();
  for (const command of registry.commands) {
    const list = groups.get(command.group) ?? [];
    list.push(command);
    groups.set(command.group, list);
  }
  return [...groups].map(([group, commands]) => ({ group, commands }));
}
