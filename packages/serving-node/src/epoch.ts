import { adoptEpoch, bumpEpoch, getClusterTerm, type Db } from "@uptop/store";

/**
 * The fencing epoch this process acts under, cached in memory and kept in the database. It only
 * ever moves forward: a node that learns of a higher epoch adopts it before it acts again.
 */
export class EpochHolder {
  private value = 0;
  constructor(
    private readonly db: Db,
    private readonly nodeId: string,
  ) {}

  async load(): Promise<number> {
    this.value = (await getClusterTerm(this.db)).epoch;
    return this.value;
  }

  get(): number {
    return this.value;
  }

  /** Takes a new term, higher than any seen (ours or `atLeast`, e.g. the peer's last known). */
  async bump(atLeast = 0): Promise<number> {
    this.value = (await bumpEpoch(this.db, this.nodeId, Math.max(atLeast, this.value))).epoch;
    return this.value;
  }

  /** Adopts a higher epoch learned from a peer; returns true when ours was behind. */
  async observe(epoch: number, holder: string): Promise<boolean> {
    if (epoch <= this.value) return false;
    this.value = (await adoptEpoch(this.db, epoch, holder)).epoch;
    return true;
  }
}
