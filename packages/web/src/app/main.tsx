import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { prefetch } from "./api";
import { App } from "./App";
import "./styles.css";

// The session check and, on the monitors page, its two reads leave before the first render.
prefetch(
  window.location.pathname === "/"
    ? ["/api/auth/session", "/api/monitors", "/api/monitors/summary?hours=24"]
    : ["/api/auth/session"],
);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
