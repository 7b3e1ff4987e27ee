import type { StatusPageData, StatusPageItem, StatusPageWindow } from "./status-page-data.js";

const DAY_MS = 86_400_000;

/** Every piece of data passes through here before it reaches the page. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * The page's colours, light and dark. Every text colour meets WCAG AA (4.5:1) on the background
 * it is drawn on, white badge and banner text included; `TEXT_PAIRS` names those pairs for the test.
 */
export const PALETTE = {
  light: {
    bg: "#f6f7f9",
    card: "#ffffff",
    border: "#e2e5ea",
    text: "#1d2330",
    muted: "#4a5263",
    link: "#1f5fa8",
    noDataBar: "#cbd2dc",
    spark: "#2b6cb0",
    incidentBg: "#fff7ed",
    incidentBorder: "#b45309",
  },
  dark: {
    bg: "#0f141a",
    card: "#1a2029",
    border: "#2d3542",
    text: "#e6e9ef",
    muted: "#a3acba",
    link: "#8cb8ff",
    noDataBar: "#3a4350",
    spark: "#8cb8ff",
    incidentBg: "#2a1f12",
    incidentBorder: "#d98a3a",
  },
  /** Behind white text (badges, the banner), the same in both schemes. */
  solid: {
    up: "#1a7f45",
    late: "#b45309",
    down: "#c53030",
    maintenance: "#2b6cb0",
    pending: "#5f6b7d",
    paused: "#64748b",
  },
} as const;

/** Every (text, background) pair the page draws, for the contrast test. */
export const TEXT_PAIRS: ReadonlyArray<readonly [string, string, string]> = [
  ...(["light", "dark"] as const).flatMap((scheme) => {
    const c = PALETTE[scheme];
    return [
      [`${scheme} text on page`, c.text, c.bg],
      [`${scheme} text on card`, c.text, c.card],
      [`${scheme} muted on page`, c.muted, c.bg],
      [`${scheme} muted on card`, c.muted, c.card],
      [`${scheme} link on page`, c.link, c.bg],
      [`${scheme} text on incident`, c.text, c.incidentBg],
      [`${scheme} muted on incident`, c.muted, c.incidentBg],
    ] as const;
  }),
  ...Object.entries(PALETTE.solid).map(([name, bg]) => [`white on ${name}`, "#ffffff", bg] as const),
];

function schemeVars(c: (typeof PALETTE)["light" | "dark"]): string {
  return Object.entries(c)
    .map(([k, v]) => `--${k}:${v}`)
    .join(";");
}

const S = PALETTE.solid;
const STYLE = `
:root{color-scheme:light dark;${schemeVars(PALETTE.light)}}
@media (prefers-color-scheme:dark){:root{${schemeVars(PALETTE.dark)}}}
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--text)}
main{max-width:960px;margin:0 auto;padding:24px 16px;overflow-wrap:anywhere}
h1{font-size:24px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 8px}a{color:var(--link)}
.lead{margin:0 0 16px;color:var(--muted);white-space:pre-line}
.banner{padding:16px 20px;border-radius:8px;color:#fff;font-weight:600;font-size:18px;margin-top:8px}
.operational{background:${S.up}}.partial_outage{background:${S.late}}.major_outage{background:${S.down}}
.maintenance{background:${S.maintenance}}.no_data{background:${S.pending}}
.incident{background:var(--incidentBg);border:1px solid var(--incidentBorder);border-left-width:6px;border-radius:8px;padding:12px 16px;margin:12px 0}
.incident h2{margin:0 0 4px}.msg{margin:6px 0;white-space:pre-line}
.card{background:var(--card);border:1px solid var(--border);border-radius:8px;padding:10px 14px;margin:8px 0;min-width:0}
.row{display:flex;flex-wrap:wrap;align-items:center;gap:8px 14px}.name{font-weight:600;flex:1 1 12em;min-width:0}
.badge{font-size:12px;font-weight:700;padding:2px 8px;border-radius:10px;color:#fff;background:${S.pending};white-space:nowrap}
.s-UP{background:${S.up}}.s-DOWN{background:${S.down}}.s-LATE{background:${S.late}}.s-PENDING{background:${S.pending}}
.s-MAINTENANCE{background:${S.maintenance}}.s-PAUSED{background:${S.paused}}.s-NODATA{background:${S.pending}}
.meta{color:var(--muted);font-size:13px}.bars{display:flex;gap:1px;margin-top:6px;height:22px;min-width:0}
.bars span{flex:1 1 0;min-width:0;border-radius:1px;background:var(--noDataBar)}
.b0{background:${S.up}!important}.b1{background:#68c48f!important}.b2{background:#ecc94b!important}
.b3{background:#dd6b20!important}.b4{background:${S.down}!important}
svg.spark{width:120px;max-width:35%;height:28px}svg.spark polyline{fill:none;stroke:var(--spark);stroke-width:1.5}
details>summary{cursor:pointer;list-style:none}details>summary::-webkit-details-marker{display:none}
.children{margin-left:min(18px,4vw)}
ul{padding-left:20px;margin:6px 0}li{margin:4px 0}time{white-space:nowrap}footer{margin-top:32px;color:var(--muted);font-size:12px}
`;

const STATUS_LABELS: Record<StatusPageItem["status"], string> = {
  UP: "Up",
  DOWN: "Down",
  LATE: "Late",
  PENDING: "Pending",
  MAINTENANCE: "Maintenance",
  PAUSED: "Paused",
};

function pct(value: number | null, digits = 2): string {
  return value === null ? "no data" : `${value.toFixed(digits)}%`;
}

function barClass(value: number | null): string {
  if (value === null) return "";
  if (value >= 99.99) return "b0";
  if (value >= 99) return "b1";
  if (value >= 95) return "b2";
  if (value >= 80) return "b3";
  return "b4";
}

function bars(item: StatusPageItem, dayLabel: (index: number) => string): string {
  const spans = item.days.map((d, i) => {
    return `<span class="${barClass(d)}" title="${dayLabel(i)}: ${escapeHtml(pct(d))}"></span>`;
  });
  return `<div class="bars" aria-label="daily uptime, last ${item.days.length} days">${spans.join("")}</div>`;
}

/** Inline SVG polyline(s) of hourly latency; a gap where an hour has no data. */
export function sparkline(points: ReadonlyArray<number | null>): string {
  const values = points.filter((p): p is number => p !== null);
  if (values.length === 0) return "";
  const max = Math.max(...values, 1);
  const w = 120;
  const h = 28;
  const step = points.length > 1 ? w / (points.length - 1) : w;
  const lines: string[] = [];
  let current: string[] = [];
  points.forEach((p, i) => {
    if (p === null) {
      if (current.length) lines.push(current.join(" "));
      current = [];
      return;
    }
    current.push(`${(i * step).toFixed(1)},${(h - 2 - (p / max) * (h - 4)).toFixed(1)}`);
  });
  if (current.length) lines.push(current.join(" "));
  // A lone point has no length; draw it as a dot-sized segment so it shows.
  const polylines = lines.map((l) => `<polyline points="${l.includes(" ") ? l : `${l} ${l}`}"/>`).join("");
  return `<svg class="spark" viewBox="0 0 ${w} ${h}" preserveAspectRatio="none" role="img" aria-label="latency, last 24 hours">${polylines}</svg>`;
}

function uptimeText(item: StatusPageItem): string {
  if (item.noDataYet) return "not checked yet";
  if (item.uptime90dPct === null) return "no uptime data (90 days)";
  const value = escapeHtml(pct(item.uptime90dPct, 3));
  return item.status === "PAUSED" ? `${value} uptime while checked (90 days)` : `${value} uptime (90 days)`;
}

function itemHtml(item: StatusPageItem, dayLabel: (index: number) => string): string {
  const latest = [...item.latency24h].reverse().find((v) => v !== null) ?? null;
  const meta = [
    uptimeText(item),
    latest !== null ? `${escapeHtml(latest)} ms` : "",
    item.noData && item.status !== "PAUSED" && !item.noDataYet ? "no data from any node" : "",
    item.regionsDown.length ? `problem seen from ${item.regionsDown.map(escapeHtml).join(", ")}` : "",
  ].filter(Boolean);
  const [badgeClass, badgeText] = item.noDataYet
    ? ["NODATA", "No data yet"]
    : [item.status, STATUS_LABELS[item.status]];
  const head = `<div class="row"><span class="name">${escapeHtml(item.name)}</span>${sparkline(item.latency24h)}<span class="badge s-${escapeHtml(badgeClass)}">${escapeHtml(badgeText)}</span></div>
<div class="meta">${meta.join(" · ")}</div>${bars(item, dayLabel)}`;
  if (item.kind !== "group") return `<div class="card">${head}</div>`;
  const children = item.children.map((c) => itemHtml(c, dayLabel)).join("\n");
  return `<div class="card"><details open><summary>${head}</summary><div class="children">${children}</div></details></div>`;
}

/** `2026-05-01 11:00 UTC`: minutes are enough for people, and the JSON has the rest. */
function when(iso: string): string {
  const text = iso.replace("T", " ").replace(/:\d{2}\.\d{3}Z$/, " UTC");
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(text)}</time>`;
}

/** "from X until further notice" for an open end, else "X – Y". */
export function timeRange(start: string, end: string | null): string {
  return end === null ? `from ${when(start)} until further notice` : `${when(start)} – ${when(end)}`;
}

function scopeOf(w: StatusPageWindow): string {
  if (w.monitors === null) return "all services";
  return w.monitors.length ? w.monitors.map(escapeHtml).join(", ") : "";
}

function windowHtml(w: StatusPageWindow): string {
  const scope = scopeOf(w);
  const state = w.active ? "in progress" : "scheduled";
  return `<li><strong>${escapeHtml(w.title)}</strong> — ${state}, ${timeRange(w.start, w.end)}${scope ? `; affects ${scope}` : ""}</li>`;
}

function messageHtml(w: StatusPageWindow): string {
  return w.message ? `<p class="msg">${escapeHtml(w.message)}</p>` : "";
}

/** A declared incident in progress: first thing under the banner, with its message to readers. */
function activeIncidentHtml(w: StatusPageWindow): string {
  const scope = scopeOf(w);
  const end = w.end === null ? "" : ` · expected to end ${when(w.end)}`;
  return `<section class="incident"><h2>${escapeHtml(w.title)}</h2>${messageHtml(w)}
<div class="meta">Since ${when(w.start)}${end}${scope ? ` · affects ${scope}` : ""}</div></section>`;
}

function resolvedHtml(w: StatusPageWindow): string {
  return `<li><strong>${escapeHtml(w.title)}</strong> — resolved, ${timeRange(w.start, w.end)}${messageHtml(w)}</li>`;
}

export interface RenderOptions {
  /**
   * Reload the page every minute (`/status?refresh=1`). Only when the reader asks: a page that
   * reloads by itself under someone reading it, or listening to it with a screen reader, fails
   * WCAG 2.2.1 (timing adjustable) unless they chose it, and the link that chose it turns it off.
   */
  autoRefresh?: boolean;
}

/** Where a reader turns the page's own reload on. */
const AUTO_REFRESH_PATH = "/status?refresh=1";

export function renderStatusPage(data: StatusPageData, o: RenderOptions = {}): string {
  const firstDayMs = Date.parse(`${data.firstDay}T00:00:00Z`);
  // Every bar of every monitor names the same days: format each once per page, not once per bar.
  const labels: string[] = [];
  const dayLabel = (i: number) => (labels[i] ??= new Date(firstDayMs + i * DAY_MS).toISOString().slice(0, 10));
  const down = data.incidents.down.map(
    (d) => `<li><strong>${escapeHtml(d.monitor)}</strong> is down${d.since ? ` since ${when(d.since)}` : ""}</li>`,
  );
  const regions = data.regions.map(
    (r) => `<li>${escapeHtml(r.region)}: ${escapeHtml(r.monitorsDown)} service(s) failing</li>`,
  );
  const sections = [
    data.incidents.windows.map(activeIncidentHtml).join("\n"),
    down.length ? `<h2>Current problems</h2><ul>${down.join("")}</ul>` : "",
    data.maintenance.length ? `<h2>Maintenance</h2><ul>${data.maintenance.map(windowHtml).join("")}</ul>` : "",
    regions.length ? `<h2>Regions seeing problems</h2><ul>${regions.join("")}</ul>` : "",
  ].filter(Boolean);
  const resolved = data.incidents.resolved;
  const refreshControl = o.autoRefresh
    ? 'refreshes every minute (<a href="/status">stop refreshing</a>)'
    : `<a href="${AUTO_REFRESH_PATH}">refresh every minute</a>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark">
${o.autoRefresh ? '<meta http-equiv="refresh" content="60">' : ""}<title>${escapeHtml(data.title)}</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(data.title)}</h1>
${data.description ? `<p class="lead">${escapeHtml(data.description)}</p>\n` : ""}<div class="banner ${escapeHtml(data.overall.status)}">${escapeHtml(data.overall.label)}</div>
${sections.join("\n")}
<h2>Services</h2>
${data.items.map((i) => itemHtml(i, dayLabel)).join("\n")}
${resolved.length ? `<h2>Resolved incidents (last 7 days)</h2><ul>${resolved.map(resolvedHtml).join("")}</ul>\n` : ""}<footer>Updated ${when(data.generatedAt)} · ${refreshControl} · <a href="/status/json">JSON</a></footer>
</main></body></html>`;
}
