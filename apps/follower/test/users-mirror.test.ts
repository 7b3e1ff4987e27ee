import { until } from "@uptop/test-kit";
import { api, ClusterFixture, stateOf } from "./harness.js";

/**
 * The follower lets in the users the leader has, and only those: users, token hashes and keys
 * travel in the configuration mirror, and a revoke on the leader reaches the follower too.
 */
const fixture = new ClusterFixture();
afterEach(() => fixture.cleanup());

const post = <T>(port: number, path: string, body: unknown) =>
  api<T>(port, path, { method: "POST", body: JSON.stringify(body) });

it("a promoted follower takes the users' tokens the leader issued, and not the revoked ones", async () => {
  const c = await fixture.cluster();
  const leader = await c.startLeader();
  const user = (await post<{ id: number }>(c.leaderPort, "/api/users", { name: "oncall", role: "editor" })).body;
  const kept = (await post<{ token: string }>(c.leaderPort, `/api/users/${user.id}/tokens`, { name: "a" })).body;
  const dropped = (
    await post<{ id: number; token: string }>(c.leaderPort, `/api/users/${user.id}/tokens`, { name: "b" })
  ).body;
  const me = (port: number, token: string) => api<{ name: string; role: string }>(port, "/api/me", { token });

  c.startFollower();
  await until(
    "the follower to take the user's token",
    async () => (await me(c.followerPort, kept.token)).status === 200,
    60_000,
  );
  expect((await me(c.followerPort, dropped.token)).body).toMatchObject({ name: "oncall", role: "editor" });
  // Users are the leader's to change, like the rest of the configuration.
  expect((await post(c.followerPort, "/api/users", { name: "x", role: "viewer" })).status).toBe(503);

  expect((await api(c.leaderPort, `/api/users/${user.id}/tokens/${dropped.id}`, { method: "DELETE" })).status).toBe(
    204,
  );
  await until(
    "the revoke to reach the follower",
    async () => (await me(c.followerPort, dropped.token)).status === 401,
    30_000,
  );

  await leader.kill("SIGKILL");
  await until("follower active", async () => (await stateOf(c.followerPort)) === "active", 30_000, 100);
  expect((await me(c.followerPort, kept.token)).body).toMatchObject({ name: "oncall", role: "editor" });
  expect((await me(c.followerPort, dropped.token)).status).toBe(401);
}, 180_000);
