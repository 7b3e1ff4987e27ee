#!/usr/bin/env node
// The web dashboard in a real browser against a real leader with 1 000 monitors (50 groups of
// 20) checked every 10 s against a loopback target: the time from navigation to the 1 000th row
// on screen, over a few page loads, then a burst of live status changes (the target fails, every
// monitor goes DOWN through the event stream, then recovers): the longest frame and the long
// tasks during it. Build first (`pnpm build`), needs Chromium (Debian's `chromium`), then
//   node bench/web.mjs [--monitors 1000] [--runs 5]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { pct, sleep } from "./lib/harness.mjs";

const { values: args } = parseArgs({
  options: {
    monitors: { type: "string", default: "1000" },
    runs: { type: "string", default: "5" },
    // Prints the page's busiest functions during the first burst (Chrome's CPU profiler).
    profile: { type: "boolean", default: false },
  },
});
const count = Number(args.monitors);
const runs = Number(args.runs);
const GROUP = 20;

const { chromiumPath, freePort, spawnNode, HttpTarget } = await import(
  new URL("../tools/test-kit/dist/index.js", import.meta.url).href
);
const { chromium } = await import(
  new URL("../apps/leader/node_modules/playwright-core/index.mjs", import.meta.url).href
);
const LEADER_MAIN = fileURLToPath(new URL("../apps/leader/dist/main.js", import.meta.url));
const TOKEN = "bench-token-0123456789abcdef";
const USER = { name: "bench", password: "correct horse battery staple", role: "editor" };

async function api(base, path, init = {}) {
  const res = await fetch(base + path, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...(init.headers ?? {}) },
  });
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Monitors in groups of GROUP (one group, then its members), applied in one request. */
function document(targetUrl) {
  const monitors = [];
  for (let i = 0; i < count; i++) {
    const g = Math.floor(i / GROUP);
    if (i % GROUP === 0) monitors.push({ name: `group-${g}`, type: "group" });
    else
      monitors.push({
        name: `svc-${String(i).padStart(5, "0")}`,
        type: "http",
        url: `${targetUrl}svc/${i}`,
        interval: 10,
        timeout: 5,
        parent: `group-${g}`,
      });
  }
  return { monitors };
}

async function statusCounts(base) {
  const list = await api(base, "/api/monitors");
  const counts = {};
  for (const m of list) if (m.type !== "group") counts[m.status] = (counts[m.status] ?? 0) + 1;
  return counts;
}

async function waitForAll(base, status, timeoutMs) {
  const members = count - Math.ceil(count / GROUP);
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (((await statusCounts(base))[status] ?? 0) >= members) return;
    await sleep(500);
  }
  throw new Error(`not every monitor ${status} within ${timeoutMs} ms: ${JSON.stringify(await statusCounts(base))}`);
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${pct(s, 50).toFixed(0)} ms, min ${s[0].toFixed(0)} ms, max ${s[s.length - 1].toFixed(0)} ms`;
};

const target = await new HttpTarget().start();
const dataDir = mkdtempSync(join(tmpdir(), "uptop-bench-web-"));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const leader = spawnNode("leader", LEADER_MAIN, {
  UPTOP_DB_TYPE: "sqlite",
  UPTOP_DB_DSN: join(dataDir, "uptop.db"),
  UPTOP_DATA_DIR: dataDir,
  UPTOP_HTTP_HOST: "127.0.0.1",
  UPTOP_HTTP_PORT: String(port),
  UPTOP_API_TOKEN: TOKEN,
  UPTOP_LEADER_CHECKS: "true",
  UPTOP_ALLOW_PRIVATE_TARGETS: "true",
});
let browser;
try {
  await leader.waitFor("leader listening");
  await api(base, "/api/config/apply", { method: "POST", body: JSON.stringify(document(target.url)) });
  await api(base, "/api/users", { method: "POST", body: JSON.stringify(USER) });
  await waitForAll(base, "UP", 60_000);

  browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(base);
  await page.getByLabel("User name").fill(USER.name);
  await page.getByLabel("Password").fill(USER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();

  // Navigation to the last row: performance.now() in the page counts from the navigation's start.
  const loads = [];
  const apiDone = [];
  for (let i = 0; i < runs; i++) {
    await page.goto(base);
    await page.waitForFunction((n) => document.querySelectorAll(".mbody [role=row]").length >= n, count, {
      polling: "raf",
      timeout: 30_000,
    });
    loads.push(await page.evaluate(() => performance.now()));
    const answered = await page.evaluate(() =>
      Math.max(
        ...performance
          .getEntriesByType("resource")
          .filter((e) => /\/api\/monitors(\/summary)?(\?|$)/.test(e.name))
          .map((e) => e.responseEnd),
      ),
    );
    apiDone.push(answered);
  }

  // The burst: frames timed with requestAnimationFrame and long tasks (> 50 ms) observed while
  // every monitor goes DOWN and comes back, through the event stream.
  const burst = async (mode, status) => {
    await page.evaluate(() => {
      const w = window;
      w.benchFrames = [];
      w.benchLong = [];
      w.benchObserver = new PerformanceObserver((l) => {
        for (const e of l.getEntries()) w.benchLong.push(e.duration);
      });
      w.benchObserver.observe({ type: "longtask" });
      let last = performance.now();
      const tick = (t) => {
        w.benchFrames.push(t - last);
        last = t;
        if (!w.benchStop) requestAnimationFrame(tick);
      };
      w.benchStop = false;
      requestAnimationFrame(tick);
    });
    const cdp = args.profile && mode === "down" ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.start");
    }
    const t0 = Date.now();
    target.mode = mode;
    const members = count - Math.ceil(count / GROUP);
    await page.waitForFunction(
      ([s, n]) => document.querySelectorAll(`.mbody .badge.s-${s}`).length >= n,
      [status, members],
      { timeout: 60_000, polling: 200 },
    );
    const seenMs = Date.now() - t0;
    if (cdp) {
      const { profile } = await cdp.send("Profiler.stop");
      const self = new Map();
      const dt = profile.timeDeltas ?? [];
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      (profile.samples ?? []).forEach((id, i) => {
        const f = byId.get(id).callFrame;
        const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop()}:${f.lineNumber}`;
        self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
      });
      console.log("  busiest functions during the burst (self ms):");
      for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15))
        console.log(`    ${v.toFixed(0).padStart(7)} ${k}`);
    }
    const r = await page.evaluate(() => {
      const w = window;
      w.benchStop = true;
      w.benchObserver.disconnect();
      return { frames: w.benchFrames, long: w.benchLong };
    });
    const frames = [...r.frames].sort((a, b) => a - b);
    console.log(
      `  ${members} monitors → ${status} live in ${(seenMs / 1000).toFixed(1)} s: ${frames.length} frames, ` +
        `p95 ${pct(frames, 95).toFixed(1)} ms, longest ${frames[frames.length - 1].toFixed(1)} ms; ` +
        `long tasks ${r.long.length} (longest ${r.long.length ? Math.max(...r.long).toFixed(0) : 0} ms, ` +
        `${r.long.reduce((a, b) => a + b, 0).toFixed(0)} ms in all)`,
    );
  };

  console.log(`${count} monitors (${Math.ceil(count / GROUP)} groups), Chromium headless, 1280×800`);
  console.log(`  navigation → ${count}th row rendered (${runs} loads): ${stats(loads)}`);
  console.log(`    of which waiting for the API (list and summary answered): ${stats(apiDone)}`);
  console.log(`    rendering after the answers: ${stats(loads.map((l, i) => l - apiDone[i]))}`);
  await burst("down", "DOWN");
  await burst("up", "UP");
  await context.close();
} finally {
  await browser?.close();
  await leader.kill("SIGTERM");
  await target.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
