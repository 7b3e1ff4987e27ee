#!/usr/bin/env node
// The terminal dashboard with 10 000 monitors from a real serving node (in this process, on an
// in-memory SQLite): the cost of a frame and the time from a key press to the frame that shows
// it, at 160×48 (and 80×24). Build first (`pnpm build`), then
//   node bench/tui.mjs [--monitors 10000] [--presses 200]
import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { pct, sleep } from "./lib/harness.mjs";

const { values: args } = parseArgs({
  options: { monitors: { type: "string", default: "10000" }, presses: { type: "string", default: "200" } },
});
const count = Number(args.monitors);
const presses = Number(args.presses);
// As `uptop top` and the SSH server run it: React's production build (see run-dashboard.ts).
process.env.NODE_ENV ??= "production";
const { App, DashboardModel, createDashboardApi } = await import(
  new URL("../packages/tui/dist/app-entry.js", import.meta.url).href
);
const { render } = await import(new URL("../packages/tui/node_modules/ink/build/index.js", import.meta.url).href);
const { createElement } = await import(new URL("../packages/tui/node_modules/react/index.js", import.meta.url).href);

const TOKEN = "bench-token-0123456789abcdef";

/** The server runs in its own process, as it would: its SQLite work must not share this thread. */
async function startServer() {
  const script = fileURLToPath(new URL("./lib/tui-server.mjs", import.meta.url));
  const child = spawn(process.execPath, [script, String(count), TOKEN], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    child.stdout.once("data", (d) => resolve(String(d).trim()));
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }),
  };
}

/** A terminal of a fixed size that records when frames arrive. */
class Screen extends EventEmitter {
  constructor(columns, rows) {
    super();
    this.columns = columns;
    this.rows = rows;
    this.isTTY = true;
    this.writes = 0;
    this.waiters = [];
  }
  write(_chunk) {
    this.writes++;
    for (const w of this.waiters.splice(0)) w(performance.now());
    return true;
  }
  /** When the next write comes; null after 2 s (a press that changed nothing on screen). */
  nextWrite() {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), 2000);
      this.waiters.push((t) => {
        clearTimeout(timer);
        resolve(t);
      });
    });
  }
}
class Keys extends EventEmitter {
  isTTY = true;
  data = null;
  setRawMode() {}
  setEncoding() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  press(k) {
    this.data = k;
    this.emit("readable");
    this.emit("data", k);
  }
}

const percentile = (xs, p) =>
  pct(
    [...xs].sort((a, b) => a - b),
    p,
  );
const fmt = (xs) =>
  `median ${percentile(xs, 50).toFixed(1)} ms, p95 ${percentile(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;

async function run(server, columns, rows) {
  const model = new DashboardModel(createDashboardApi(server.url, TOKEN), { live: false, pollMs: 3_600_000 });
  const frames = [];
  const screen = new Screen(columns, rows);
  const keys = new Keys();
  const ink = render(createElement(App, { model, theme: "dark" }), {
    stdout: screen,
    stdin: keys,
    stderr: screen,
    exitOnCtrlC: false,
    patchConsole: false,
    interactive: true,
    onRender: ({ renderTime }) => frames.push(renderTime),
  });
  const loadStart = performance.now();
  model.start();
  while (model.getState().monitors.length < count) await sleep(5);
  const loaded = performance.now() - loadStart;
  await sleep(300);
  frames.length = 0;

  async function measure(key, n) {
    const out = [];
    for (let i = 0; i < n; i++) {
      // Past Ink's 30 fps throttle (and its trailing frame), so each press starts a frame as a person's would.
      await sleep(80);
      const next = screen.nextWrite();
      const t0 = performance.now();
      keys.press(typeof key === "function" ? key(i) : key);
      const t = await next;
      if (t !== null) out.push(t - t0);
    }
    return out;
  }
  const move = await measure((i) => (Math.floor(i / 50) % 2 ? "k" : "j"), presses);
  const page = await measure((i) => (i % 2 ? "\u001b[5~" : "\u001b[6~"), 40);
  const sort = await measure("s", 20);
  keys.press("/");
  await sleep(50);
  const filter = await measure((i) => "svc-0"[i % 5] ?? "1", 10);
  keys.press("\u001b");
  await sleep(200);
  const frameTimes = [...frames];
  ink.unmount();
  model.stop();
  console.log(`${columns}×${rows}, ${count} monitors (list loaded and first drawn in ${loaded.toFixed(0)} ms)`);
  console.log(`  frame (Ink layout + draw, ${frameTimes.length} frames): ${fmt(frameTimes)}`);
  console.log(`  key → frame, move (j/k, ${move.length}):          ${fmt(move)}`);
  console.log(`  key → frame, page (PgUp/PgDn, ${page.length}):      ${fmt(page)}`);
  console.log(`  key → frame, re-sort 10 000 (s, ${sort.length}):      ${fmt(sort)}`);
  console.log(`  key → frame, filter as you type (${filter.length}):   ${fmt(filter)}`);
  return { frames: frameTimes, move };
}

const server = await startServer();
// Ink's frame timers do not hold the process open; this does, while frames are awaited.
const keepAlive = setInterval(() => {}, 1000);
try {
  const wide = await run(server, 160, 48);
  await run(server, 80, 24);
  const p95 = percentile(wide.frames, 95);
  console.log(`target: a frame < 50 ms — p95 ${p95.toFixed(1)} ms at 160×48: ${p95 < 50 ? "met" : "NOT met"}`);
} finally {
  clearInterval(keepAlive);
  await server.stop();
}
