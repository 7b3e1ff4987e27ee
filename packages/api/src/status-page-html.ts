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

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f7f9;color:#1d2330}
main{max-width:960px;margin:0 auto;padding:24px 16px}h1{font-size:24px;margin:0 0 16px}h2{font-size:17px;margin:28px 0 8px}
.banner{padding:16px 20px;border-radius:8px;color:#fff;font-weight:600;font-size:18px}
.operational{background:#1f9d55}.partial_outage{background:#d97706}.major_outage{background:#c53030}.maintenance{background:#2b6cb0}
.card{background:#fff;border:1px solid #e2e5ea;border-radius:8px;padding:10px 14px;margin:8px 0}
.row{display:flex;flex-wrap:wrap;align-items:center;gap:8px 14px}.name{font-weight:600;flex:1 1 200px;overflow-wrap:anywhere}
.badge{font-size:12px;font-weight:700;padding:2px 8px;border-radius:10px;color:#fff;background:#718096}
.s-UP{background:#1f9d55}.s-DOWN{background:#c53030}.s-LATE{background:#d97706}.s-PENDING{background:#718096}.s-MAINTENANCE{background:#2b6cb0}.s-PAUSED{background:#a0aec0}
.meta{color:#5a6375;font-size:13px}.bars{display:flex;gap:1px;margin-top:6px;height:22px}
.bars span{flex:1;border-radius:1px;background:#cbd2dc}.b0{background:#1f9d55!important}.b1{background:#68c48f!important}.b2{background:#ecc94b!important}.b3{background:#dd6b20!important}.b4{background:#c53030!important}
svg.spark{width:120px;height:28px}svg.spark polyline{fill:none;stroke:#2b6cb0;stroke-width:1.5}
details>summary{cursor:pointer;list-style:none}details>summary::-webkit-details-marker{display:none}.children{margin-left:18px}
ul{padding-left:20px;margin:6px 0}footer{margin-top:32px;color:#5a6375;font-size:12px}
`;

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

function itemHtml(item: StatusPageItem, dayLabel: (index: number) => string): string {
  const latest = [...item.latency24h].reverse().find((v) => v !== null) ?? null;
  const meta = [
    `${escapeHtml(pct(item.uptime90dPct, 3))} uptime (90 days)`,
    latest !== null ? `${escapeHtml(latest)} ms` : "",
    item.noData ? "no data from any node" : "",
    item.regionsDown.length ? `problem seen from ${item.regionsDown.map(escapeHtml).join(", ")}` : "",
  ].filter(Boolean);
  const head = `<div class="row"><span class="name">${escapeHtml(item.name)}</span>${sparkline(item.latency24h)}<span class="badge s-${escapeHtml(item.status)}">${escapeHtml(item.status)}</span></div>
<div class="meta">${meta.join(" · ")}</div>${bars(item, dayLabel)}`;
  if (item.kind !== "group") return `<div class="card">${head}</div>`;
  const children = item.children.map((c) => itemHtml(c, dayLabel)).join("\n");
  return `<div class="card"><details open><summary>${head}</summary><div class="children">${children}</div></details></div>`;
}

function when(iso: string | null): string {
  return iso === null ? "until further notice" : escapeHtml(iso.replace("T", " ").replace(/:\d{2}\.\d{3}Z$/, " UTC"));
}

function windowHtml(w: StatusPageWindow): string {
  const scope = w.monitors === null ? "all services" : w.monitors.map(escapeHtml).join(", ") || "—";
  const state = w.active ? "in progress" : "scheduled";
  return `<li><strong>${escapeHtml(w.title)}</strong> — ${state}, ${when(w.start)} to ${when(w.end)}; affects ${scope}</li>`;
}

export function renderStatusPage(data: StatusPageData): string {
  const firstDayMs = Date.parse(`${data.firstDay}T00:00:00Z`);
  // Every bar of every monitor names the same days: format each once per page, not once per bar.
  const labels: string[] = [];
  const dayLabel = (i: number) => (labels[i] ??= new Date(firstDayMs + i * DAY_MS).toISOString().slice(0, 10));
  const incidents = [
    ...data.incidents.windows.map(windowHtml),
    ...data.incidents.down.map(
      (d) => `<li><strong>${escapeHtml(d.monitor)}</strong> is down${d.since ? ` since ${when(d.since)}` : ""}</li>`,
    ),
  ];
  const sections = [
    incidents.length ? `<h2>Active incidents</h2><ul>${incidents.join("")}</ul>` : "",
    data.maintenance.length ? `<h2>Maintenance</h2><ul>${data.maintenance.map(windowHtml).join("")}</ul>` : "",
    data.regions.length
      ? `<h2>Regions seeing problems</h2><ul>${data.regions.map((r) => `<li>${escapeHtml(r.region)}: ${escapeHtml(r.monitorsDown)} service(s) failing</li>`).join("")}</ul>`
      : "",
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="refresh" content="60"><title>${escapeHtml(data.title)}</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(data.title)}</h1>
<div class="banner ${escapeHtml(data.overall.status)}">${escapeHtml(data.overall.label)}</div>
${sections.join("\n")}
<h2>Services</h2>
${data.items.map((i) => itemHtml(i, dayLabel)).join("\n")}
<footer>Updated ${when(data.generatedAt)} · refreshes every minute · <a href="/status/json">JSON</a></footer>
</main></body></html>`;
}
