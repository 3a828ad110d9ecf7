// The tabs under the canvas: long thought, critique loop thread, history of the selected
// step, job log.
import { useState } from "react";

import { LongThoughtTab } from "../components/longthought/LongThoughtTab";
import { useWorkspace } from "./context";
import { CritiqueTab } from "./CritiqueTab";
import { HistoryTab } from "./HistoryTab";
import { JobLogTab } from "./JobLogTab";

const TABS = ["Long thought", "Critique thread", "History", "Job log"] as const;
type Tab = (typeof TABS)[number];

export function BottomTabs({ role }: { role: string | null }) {
  const [tab, setTab] = useState<Tab>("History");
  const [open, setOpen] = useState(true);
  const problemId = useWorkspace((s) => s.problem?.id ?? 0);
  const selected = useWorkspace((s) => s.selected);
  const select = useWorkspace((s) => s.select);
  return (
    <section className={`bottom-tabs${open ? "" : " closed"}`}>
      <div className="tab-row" role="tablist">
        {TABS.map((name) => (
          <button
            key={name}
            role="tab"
            aria-selected={tab === name}
            className={tab === name ? "tab active" : "tab"}
            onClick={() => {
              setTab(name);
              setOpen(true);
            }}
          >
            {name}
          </button>
        ))}
        <button className="tab toggle" onClick={() => setOpen(!open)}>
          {open ? "▾ hide" : "▴ show"}
        </button>
      </div>
      {open && (
        <div className="tab-body">
          {tab === "Long thought" && (
            <LongThoughtTab
              problemId={problemId}
              selectedNodeId={selected}
              onSelectNode={(id) => select(id, true)}
              role={role}
            />
          )}
          {tab === "Critique thread" && <CritiqueTab />}
          {tab === "History" && <HistoryTab />}
          {tab === "Job log" && <JobLogTab />}
        </div>
      )}
    </section>
  );
}
