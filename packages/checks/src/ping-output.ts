export interface PingSummary {
  sent: number;
  received: number;
  lossPercent: number;
  avgRttMs: number | null;
}

/**
 * Reads the summary iputils `ping` prints:
 *   3 packets transmitted, 3 received, 0% packet loss, time 402ms
 *   rtt min/avg/max/mdev = 0.036/0.070/0.104/0.034 ms
 * (busybox prints `round-trip min/avg/max`; both are accepted). Undefined when absent.
 */
export function parsePingOutput(text: string): PingSummary | undefined {
  const counts = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(text);
  if (!counts) return undefined;
  const sent = Number(counts[1]);
  const received = Number(counts[2]);
  const loss = /([\d.]+)% packet loss/.exec(text);
  const rtt = /(?:rtt|round-trip) min\/avg\/max(?:\/(?:mdev|stddev))? = [\d.]+\/([\d.]+)\//.exec(text);
  return {
    sent,
    received,
    lossPercent: loss ? Number(loss[1]) : sent === 0 ? 100 : Math.round((1 - received / sent) * 1000) / 10,
    avgRttMs: rtt ? Number(rtt[1]) : null,
  };
}
