import { createContext, useContext } from "react";
import { Link, Outlet } from "react-router";

import { get } from "../api/client";
import type { Me } from "../api/types";
import { useFetch } from "../api/useFetch";

const MeContext = createContext<Me | null>(null);
export const useMe = (): Me | null => useContext(MeContext);

function csrf(): string {
  return decodeURIComponent(document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)?.[1] ?? "");
}

export function AppShell() {
  const me = useFetch(() => get<Me>("/me/"), []);
  return (
    <MeContext.Provider value={me.data ?? null}>
      <div className="shell">
        <header className="topbar">
          <Link to="/" className="brand">
            <span className="brand-mark">⟡</span> Arbor
          </Link>
          <nav>
            <Link to="/">Campaigns</Link>
            <Link to="/queue">My queue</Link>
            <a href="/api/docs/">API</a>
          </nav>
          <div className="topbar-right">
            {me.data && <span className="who">{me.data.username}</span>}
            <form method="post" action="/accounts/logout/">
              <input type="hidden" name="csrfmiddlewaretoken" value={csrf()} />
              <button type="submit" className="link">
                Sign out
              </button>
            </form>
          </div>
        </header>
        <main className="content">
          <Outlet />
        </main>
      </div>
    </MeContext.Provider>
  );
}
