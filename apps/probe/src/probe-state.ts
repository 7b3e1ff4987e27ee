/** What the probe knows about itself, read by /api/health. Written by sync and sender only. */
export interface ProbeState {
  registered: boolean;
  epoch: number;
  /** The peer that last answered. */
  leaderUrl: string | null;
  leaderReachable: boolean;
  lastSyncAt: string | null;
  lastPostAt: string | null;
  /** The last results post failed: results are piling up in the buffer. */
  postFailing: boolean;
  monitors: number;
}

export function initialState(): ProbeState {
  return {
    registered: false,
    epoch: 0,
    leaderUrl: null,
    leaderReachable: false,
    lastSyncAt: null,
    lastPostAt: null,
    postFailing: false,
    monitors: 0,
  };
}
