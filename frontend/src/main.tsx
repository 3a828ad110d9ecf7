import "./styles.css";

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, RouterProvider } from "react-router";

import { AppShell } from "./pages/AppShell";
import { CampaignPage } from "./pages/CampaignPage";
import { ExportsPage } from "./pages/ExportsPage";
import { HomePage } from "./pages/HomePage";
import { QueuePage } from "./pages/QueuePage";
import { WorkspacePage } from "./pages/WorkspacePage";

const router = createBrowserRouter([
  {
    element: <AppShell />,
    children: [
      { path: "/", element: <HomePage /> },
      { path: "/queue", element: <QueuePage /> },
      { path: "/campaigns/:slug", element: <CampaignPage /> },
      { path: "/campaigns/:slug/exports", element: <ExportsPage /> },
      { path: "/problems/:problemId", element: <WorkspacePage /> },
    ],
  },
]);

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <RouterProvider router={router} />
  </StrictMode>,
);
