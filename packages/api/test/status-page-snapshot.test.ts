import { gunzipSync } from "node:zlib";
import { until } from "@uptop/test-kit";
import type { StatusPageData } from "../src/index.js";
import { StatusPageSnapshot } from "../src/status-page-snapshot.js";

const REFRESH_MS = 5_000;
const MAX_STALE_MS = 60_000;

function page(at: Date): StatusPageData {
  return {
    title: "Status",
    description: null,
    generatedAt: at.toISOString(),
    overall: { status: "operational", label: "All systems operational" },
    firstDay: "2026-02-01",
    firstHour: "2026-04-30T13:00:00.000Z",
    items: [],
    incidents: { windows: [], down: [], resolved: [] },
    maintenance: [],
    regions: [],
  };
}

/**
 * A snapshot over a build the test finishes by hand, and a clock it moves: each build is
 * recorded with its resolve and reject, so "one build at a time" is counted, not timed.
 */
function harness() {
  let nowMs = Date.parse("2026-05-01T12:00:00Z");
  const builds: Array<{ at: Date; resolve: () => void; reject: (err: Error) => void }> = [];
  const staleServed: unknown[] = [];
  const snapshot = new StatusPageSnapshot({
    build: (at) =>
      new Promise<StatusPageData>((resolve, reject) => {
        builds.push({ at, resolve: () => resolve(page(at)), reject });
      }),
    now: () => new Date(nowMs),
    refreshMs: REFRESH_MS,
    maxStaleMs: MAX_STALE_MS,
    onStaleServed: (err) => staleServed.push(err),
  });
  const generatedAt = async (p: Promise<{ data: StatusPageData | null }>) => (await p).data?.generatedAt;
  return {
    snapshot,
    builds,
    staleServed,
    advance: (ms: number) => (nowMs += ms),
    generatedAt,
  };
}

describe("status page snapshot", () => {
  it("makes concurrent first visitors wait for one build and share it", async () => {
    const h = harness();
    const waiting = Array.from({ length: 50 }, () => h.snapshot.get());
    expect(h.builds).toHaveLength(1);
    h.builds[0]!.resolve();
    const pages = await Promise.all(waiting);
    expect(new Set(pages).size).toBe(1);
    expect(h.builds).toHaveLength(1);
  });

  it("serves a fresh snapshot without building again", async () => {
    const h = harness();
    const first = h.snapshot.get();
    h.builds[0]!.resolve();
    await first;
    h.advance(REFRESH_MS - 1);
    await Promise.all(Array.from({ length: 20 }, () => h.snapshot.get()));
    expect(h.builds).toHaveLength(1);
  });

  it("serves the stale snapshot at once while exactly one rebuild runs", async () => {
    const h = harness();
    const first = h.snapshot.get();
    h.builds[0]!.resolve();
    const before = await h.generatedAt(first);
    h.advance(REFRESH_MS);
    // The rebuild never finishes during these requests: each is answered from the old snapshot.
    const during = await Promise.all(Array.from({ length: 50 }, () => h.generatedAt(h.snapshot.get())));
    expect(new Set(during)).toEqual(new Set([before]));
    expect(h.builds).toHaveLength(2);
    h.builds[1]!.resolve();
    const rebuilt = h.builds[1]!.at.toISOString();
    await until(
      "the rebuilt snapshot served",
      async () => (await h.generatedAt(h.snapshot.get())) === rebuilt,
      5000,
      5,
    );
    expect(h.builds).toHaveLength(2);
  });

  it("makes a visitor wait when the snapshot is older than the stale limit", async () => {
    const h = harness();
    const first = h.snapshot.get();
    h.builds[0]!.resolve();
    await first;
    h.advance(MAX_STALE_MS);
    let answered = false;
    const waiting = h.snapshot.get().then((p) => {
      answered = true;
      return p;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(answered).toBe(false);
    h.builds[1]!.resolve();
    expect((await waiting).data?.generatedAt).toBe(h.builds[1]!.at.toISOString());
  });

  it("keeps serving the old snapshot when a rebuild fails, and tries again only an interval later", async () => {
    const h = harness();
    const first = h.snapshot.get();
    h.builds[0]!.resolve();
    const before = await h.generatedAt(first);
    h.advance(REFRESH_MS);
    const during = h.snapshot.get();
    h.builds[1]!.reject(new Error("database unreachable"));
    expect(await h.generatedAt(during)).toBe(before);
    await new Promise((r) => setTimeout(r, 0));
    expect(h.staleServed).toHaveLength(1);
    // The failed attempt sets the pace: no visitor starts another before an interval has passed.
    h.advance(REFRESH_MS - 1);
    await Promise.all(Array.from({ length: 20 }, () => h.snapshot.get()));
    expect(h.builds).toHaveLength(2);
    h.advance(1);
    void h.snapshot.get();
    expect(h.builds).toHaveLength(3);
  });

  it("answers the first visitors with the error when the first build fails, without retrying per request", async () => {
    const h = harness();
    const waiting = Array.from({ length: 10 }, () => h.snapshot.get());
    h.builds[0]!.reject(new Error("database unreachable"));
    for (const w of waiting) await expect(w).rejects.toThrow("database unreachable");
    await expect(h.snapshot.get()).rejects.toThrow("database unreachable");
    expect(h.builds).toHaveLength(1);
    h.advance(REFRESH_MS);
    const retry = h.snapshot.get();
    expect(h.builds).toHaveLength(2);
    h.builds[1]!.resolve();
    await expect(retry).resolves.toMatchObject({ data: { title: "Status" } });
  });

  it("after invalidate, the next visitor waits for a new build; one started before never becomes the snapshot", async () => {
    const h = harness();
    const first = h.snapshot.get();
    h.builds[0]!.resolve();
    await first;
    h.advance(REFRESH_MS);
    void h.snapshot.get();
    expect(h.builds).toHaveLength(2);
    h.snapshot.invalidate();
    h.advance(1);
    const after = h.generatedAt(h.snapshot.get());
    expect(h.builds).toHaveLength(3);
    h.builds[2]!.resolve();
    const expected = h.builds[2]!.at.toISOString();
    expect(await after).toBe(expected);
    // The build from before the change finishes last: it must not replace the newer snapshot.
    h.builds[1]!.resolve();
    await new Promise((r) => setTimeout(r, 10));
    expect(await h.generatedAt(h.snapshot.get())).toBe(expected);
    expect(h.builds).toHaveLength(3);
  });

  it("renders HTML and JSON once per build, gzipped beside the plain bytes, with a validator each", async () => {
    const h = harness();
    const first = h.snapshot.get();
    h.builds[0]!.resolve();
    const p = await first;
    if (p.data === null) throw new Error("the page is on in this harness");
    expect(p.html.identity.toString()).toContain("<!doctype html>");
    expect(gunzipSync(p.html.gzip)).toEqual(p.html.identity);
    expect(JSON.parse(gunzipSync(p.json.gzip).toString())).toEqual(p.data);
    expect(new Set([p.html.etag, p.html.gzipEtag, p.json.etag, p.json.gzipEtag]).size).toBe(4);
    expect(await h.snapshot.get()).toBe(p);
  });
});
