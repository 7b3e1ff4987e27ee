import { CliExit, EXIT } from "./exit-codes.js";

export interface Named {
  id: number;
  name: string;
}

/** What is being resolved, for messages: "monitor", "channel". */
export type RefKind = "monitor" | "channel";

function show(item: Named): string {
  return `${item.name} (#${item.id})`;
}

/**
 * One reference (an id or a name) to one item. An exact name wins, then an id, then a name that
 * differs only in case; names are unique on the server, so the only ambiguities are a number that
 * is both one item's name and another's id, and a name that matches several items in other cases.
 */
export function resolveRef<T extends Named>(items: readonly T[], ref: string, kind: RefKind): T {
  const byName = items.find((i) => i.name === ref);
  const byId = /^\d{1,9}$/.test(ref) ? items.find((i) => i.id === Number(ref)) : undefined;
  if (byName && byId && byName !== byId) {
    throw new CliExit(
      EXIT.usage,
      `error: "${ref}" is ambiguous: the name of ${show(byName)} and the id of ${show(byId)}; ` +
        `give ${byName.id} or ${byId.name} instead`,
    );
  }
  const exact = byName ?? byId;
  if (exact) return exact;
  const folded = ref.toLowerCase();
  const loose = items.filter((i) => i.name.toLowerCase() === folded);
  if (loose.length === 1) return loose[0]!;
  if (loose.length > 1) {
    throw new CliExit(EXIT.usage, `error: "${ref}" is ambiguous: it matches ${loose.map(show).join(", ")}`);
  }
  const near = items.filter((i) => i.name.toLowerCase().includes(folded)).slice(0, 3);
  const hint = near.length ? `; did you mean ${near.map(show).join(", ")}?` : "";
  throw new CliExit(EXIT.usage, `error: no ${kind} "${ref}"${hint}`);
}

/** Every reference resolved before anything is changed, so a typo in the third name changes nothing. */
export function resolveRefs<T extends Named>(items: readonly T[], refs: readonly string[], kind: RefKind): T[] {
  const out: T[] = [];
  for (const ref of refs) {
    const item = resolveRef(items, ref, kind);
    if (!out.includes(item)) out.push(item);
  }
  return out;
}
