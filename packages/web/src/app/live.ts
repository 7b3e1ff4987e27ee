import type { LiveEvent } from "@uptop/core";
import { useEffect, useRef, useState } from "react";

export type LiveState = "connecting" | "live" | "reconnecting";

/**
 * The leader's event stream (`GET /api/events`, server-sent events with the session cookie).
 * EventSource resumes by itself with Last-Event-ID after a drop; `onEvent` always sees the
 * latest closure without reconnecting.
 *
 * A fresh stream starts with the events published after it opened, and a page's first reads go
 * out before that (together, for a fast first render): a change between the two is in neither.
 * `onFirstOpen` runs once the stream is open, the first time only (a reconnect resumes with
 * Last-Event-ID, and a gap it cannot cover comes as `reset`); a page that must not miss such a
 * change reads it again there.
 */
export function useLiveEvents(onEvent: (e: LiveEvent) => void, onFirstOpen?: () => void): LiveState {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const opened = useRef(onFirstOpen);
  opened.current = onFirstOpen;
  const [state, setState] = useState<LiveState>("connecting");
  useEffect(() => {
    const source = new EventSource("/api/events", { withCredentials: true });
    // "reset": the stream restarted (a new node took over) and the page must load everything again.
    const types: LiveEvent["type"][] = ["status", "check", "node", "maintenance", "monitor", "reset"];
    const listener = (m: MessageEvent<string>) => {
      try {
        handler.current(JSON.parse(m.data) as LiveEvent);
      } catch {
        // A malformed event is skipped; the next one carries the state again.
      }
    };
    for (const t of types) source.addEventListener(t, listener as EventListener);
    let first = true;
    source.onopen = () => {
      setState("live");
      if (first) opened.current?.();
      first = false;
    };
    source.onerror = () => setState("reconnecting");
    return () => source.close();
  }, []);
  return state;
}
