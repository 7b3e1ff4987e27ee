import { until } from "@uptop/test-kit";
import { api, ClusterFixture } from "./harness.js";

/** The status page settings travel in the configuration mirror: a promoted follower shows the same page. */
const fixture = new ClusterFixture();
afterEach(() => fixture.cleanup());

const put = (port: number, body: unknown) =>
  api(port, "/api/status-page/settings", { method: "PUT", body: JSON.stringify(body) });
const titleOn = async (port: number) => {
  const res = await api<{ title: string } | null>(port, "/status/json", { token: null });
  return res.status === 200 ? res.body?.title : res.status;
};

it("a follower serves the status page as the leader's saved settings say, and follows a change", async () => {
  const c = await fixture.cluster();
  await c.startLeader();
  const settings = { enabled: true, title: "Acme status", description: null, monitorIds: null };
  expect((await put(c.leaderPort, settings)).status).toBe(200);

  c.startFollower();
  await until("the follower to show the page", async () => (await titleOn(c.followerPort)) === "Acme status", 60_000);
  expect((await put(c.leaderPort, { ...settings, enabled: false })).status).toBe(200);
  await until("the follower to take the page down", async () => (await titleOn(c.followerPort)) === 404, 30_000);
}, 180_000);
