import {
  LiveEventHub,
  liveEventId,
  type LiveEventType,
  type PublishedEvent,
  type StreamedEvent,
} from "../src/index.js";

const AT = "2026-01-01T00:00:00.000Z";

function monitorEvent(monitorId: number): PublishedEvent {
  return { type: "monitor", at: AT, monitorId, action: "updated" };
}

function nodeEvent(nodeId: string): PublishedEvent {
  return { type: "node", at: AT, nodeId, name: nodeId, region: "eu", role: "probe", status: "online" };
}

function collect(hub: LiveEventHub, after: string | null, types: LiveEventType[] | null = null) {
  const got: StreamedEvent[] = [];
  const sub = hub.subscribe({ after, types: types ? new Set(types) : null, listener: (m) => got.push(m) });
  got.unshift(...sub.backlog);
  return { got, sub };
}

describe("LiveEventHub", () => {
  it("numbers events <stream>-<seq> from 1 and delivers them live to subscribers", () => {
    const hub = new LiveEventHub({ stream: "abc" });
    const { got } = collect(hub, null);
    hub.publish(monitorEvent(1));
    hub.publish(monitorEvent(2));
    expect(got.map((m) => m.id)).toEqual(["abc-1", "abc-2"]);
    expect(got[1]!.event).toEqual(monitorEvent(2));
    expect(hub.position()).toBe("abc-2");
  });

  it("gives a fresh subscriber live events only, with no replay and no reset", () => {
    const hub = new LiveEventHub({ stream: "abc" });
    hub.publish(monitorEvent(1));
    const { got } = collect(hub, null);
    expect(got).toEqual([]);
  });

  it("replays exactly the events after the id a client resumes from, then goes on live", () => {
    const hub = new LiveEventHub({ stream: "abc" });
    for (let i = 1; i <= 5; i++) hub.publish(monitorEvent(i));
    const { got } = collect(hub, "abc-2");
    hub.publish(monitorEvent(6));
    expect(got.map((m) => m.id)).toEqual(["abc-3", "abc-4", "abc-5", "abc-6"]);
  });

  it("replays nothing to a client already at the latest id", () => {
    const hub = new LiveEventHub({ stream: "abc" });
    hub.publish(monitorEvent(1));
    expect(collect(hub, "abc-1").got).toEqual([]);
    expect(collect(new LiveEventHub({ stream: "abc" }), "abc-0").got).toEqual([]);
  });

  it("keeps only the last `capacity` events: the oldest kept one still resumes, one before it resets", () => {
    const hub = new LiveEventHub({ stream: "abc", capacity: 3 });
    for (let i = 1; i <= 10; i++) hub.publish(monitorEvent(i));
    // 8, 9 and 10 are kept: resuming after 7 needs only those.
    expect(collect(hub, "abc-7").got.map((m) => m.id)).toEqual(["abc-8", "abc-9", "abc-10"]);
    const old = collect(hub, "abc-6").got;
    expect(old).toHaveLength(1);
    expect(old[0]).toEqual({ id: "abc-10", event: { type: "reset", at: expect.any(String), stream: "abc" } });
  });

  it.each([
    ["another stream", "def-1"],
    ["an id ahead of the stream", "abc-99"],
    ["a malformed id", "7"],
  ])("sends a reset carrying the current position for %s", (_what, id) => {
    const hub = new LiveEventHub({ stream: "abc" });
    hub.publish(monitorEvent(1));
    const { got } = collect(hub, id);
    expect(got).toEqual([{ id: "abc-1", event: { type: "reset", at: expect.any(String), stream: "abc" } }]);
    // Resuming from the reset's id works.
    hub.publish(monitorEvent(2));
    expect(collect(hub, got[0]!.id).got.map((m) => m.id)).toEqual(["abc-2"]);
  });

  it("filters by type, in replay and live, but always delivers a reset", () => {
    const hub = new LiveEventHub({ stream: "abc" });
    hub.publish(monitorEvent(1));
    hub.publish(nodeEvent("p1"));
    const { got } = collect(hub, "abc-0", ["node"]);
    hub.publish(monitorEvent(2));
    hub.publish(nodeEvent("p2"));
    expect(got.map((m) => m.id)).toEqual(["abc-2", "abc-4"]);
    expect(collect(hub, "zzz-1", ["node"]).got[0]!.event.type).toBe("reset");
  });

  it("stops delivering after close, counts subscribers, and drops one whose listener throws", () => {
    const hub = new LiveEventHub({ stream: "abc" });
    const a = collect(hub, null);
    hub.subscribe({
      after: null,
      types: null,
      listener: () => {
        throw new Error("socket gone");
      },
    });
    expect(hub.subscriberCount).toBe(2);
    hub.publish(monitorEvent(1));
    expect(hub.subscriberCount).toBe(1);
    a.sub.close();
    a.sub.close();
    hub.publish(monitorEvent(2));
    expect(a.got).toHaveLength(1);
    expect(hub.subscriberCount).toBe(0);
  });

  it("names a new random stream per hub", () => {
    const a = new LiveEventHub();
    const b = new LiveEventHub();
    expect(a.stream).toMatch(/^[0-9a-f]{12}$/);
    expect(a.stream).not.toBe(b.stream);
    expect(liveEventId(a.stream, 3)).toBe(`${a.stream}-3`);
  });
});

describe("LiveEventHub.close", () => {
  it("ends every subscription, and one made afterwards at once", () => {
    const hub = new LiveEventHub({ stream: "abc" });
    const ended: string[] = [];
    hub.subscribe({ after: null, types: null, listener: () => {}, onClose: () => ended.push("a") });
    hub.close();
    expect(ended).toEqual(["a"]);
    expect(hub.subscriberCount).toBe(0);
    hub.subscribe({ after: null, types: null, listener: () => {}, onClose: () => ended.push("b") });
    expect(ended).toEqual(["a", "b"]);
    expect(hub.subscriberCount).toBe(0);
  });
});
