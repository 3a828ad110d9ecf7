import { describe, expect, it } from "vitest";

import { createRegistry, dispatchKey, helpGroups, keyName } from "./commands";

describe("command registry", () => {
  it("runs the command bound to a key and reports whether one ran", () => {
    const ran: string[] = [];
    const registry = createRegistry<string[]>([
      {
        id: "label.good",
        label: "Label +1",
        keys: ["1"],
        group: "Label",
        perform: (c) => c.push("good"),
      },
      {
        id: "undo",
        label: "Undo",
        keys: ["z", "Ctrl+z"],
        group: "Edit",
        perform: (c) => c.push("undo"),
      },
    ]);
    expect(dispatchKey(registry, { key: "1" }, ran)).toBe(true);
    expect(dispatchKey(registry, { key: "z", ctrlKey: true }, ran)).toBe(true);
    expect(dispatchKey(registry, { key: "q" }, ran)).toBe(false);
    expect(ran).toEqual(["good", "undo"]);
  });

  it("skips a disabled command", () => {
    const registry = createRegistry<{ n: number }>([
      { id: "x", label: "X", keys: ["x"], group: "G", perform: (c) => c.n++, enabled: () => false },
    ]);
    const context = { n: 0 };
    expect(dispatchKey(registry, { key: "x" }, context)).toBe(false);
    expect(context.n).toBe(0);
  });

  it("refuses two commands on one key", () => {
    expect(() =>
      createRegistry([
        { id: "a", label: "A", keys: ["a"], group: "G", perform: () => {} },
        { id: "b", label: "B", keys: ["a"], group: "G", perform: () => {} },
      ]),
    ).toThrow(/bound to both a and b/);
  });

  it("names keys with their modifiers and groups commands for help", () => {
    expect(keyName({ key: "Z" })).toBe("Z");
    expect(keyName({ key: "z", metaKey: true })).toBe("Ctrl+z");
    const registry = createRegistry([
      { id: "a", label: "A", keys: ["a"], group: "One", perform: () => {} },
      { id: "b", label: "B", keys: ["b"], group: "Two", perform: () => {} },
      { id: "c", label: "C", keys: ["c"], group: "One", perform: () => {} },
    ]);
    expect(helpGroups(registry).map((g) => [g.group, g.commands.map((c) => c.id)])).toEqual([
      ["One", ["a", "c"]],
      ["Two", ["b"]],
    ]);
  });
});
