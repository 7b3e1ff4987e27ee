/**
 * The slot grid every node shares. A monitor with interval I runs at instants
 * offset + k·I, where offset = hash(id) mod I: load spreads evenly over the interval, every node
 * checks the same monitor at the same instants (so votes compare the same moment), and a
 * restart resumes on the same grid.
 */

/** FNV-1a over the decimal id: stable across processes, versions and platforms. */
export function slotHash(monitorId: number): number {
  let h = 0x811c9dc5;
  const s = String(monitorId);
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function slotOffsetMs(monitorId: number, intervalMs: number): number {
  return slotHash(monitorId) % Math.max(1, Math.round(intervalMs));
}

/** Index of the slot that contains `atMs`. */
export function slotIndex(atMs: number, intervalMs: number, offsetMs: number): number {
  return Math.floor((atMs - offsetMs) / intervalMs);
}

export function slotStartMs(index: number, intervalMs: number, offsetMs: number): number {
  return index * intervalMs + offsetMs;
}

/** Start of the first slot strictly after `afterMs`. */
export function nextSlotStartMs(afterMs: number, intervalMs: number, offsetMs: number): number {
  return slotStartMs(slotIndex(afterMs, intervalMs, offsetMs) + 1, intervalMs, offsetMs);
}

/** Start of the slot a check at `atMs` belongs to, for a monitor with this id and interval. */
export function slotOf(monitorId: number, intervalMs: number, atMs: number): number {
  const off = slotOffsetMs(monitorId, intervalMs);
  return slotStartMs(slotIndex(atMs, intervalMs, off), intervalMs, off);
}
