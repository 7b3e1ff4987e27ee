import { SecretBox, type StatusPageSettings } from "@uptop/core";
import { BACKENDS, createTempDatabase, type TempDatabase } from "@uptop/test-kit";
import {
  applyMirror,
  getStatusPageSettings,
  listMonitors,
  openAndMigrate,
  putSetting,
  putStatusPageSettings,
  readMirrorExtras,
  type Store,
} from "../src/index.js";

const SAVED: StatusPageSettings = {
  enabled: true,
  title: "Acme status",
  description: "Our services, live.",
  monitorIds: [3, 1],
};

describe.each(BACKENDS)("status page settings on %s", (backend) => {
  const box = new SecretBox(null);
  let temps: TempDatabase[] = [];
  let stores: Store[] = [];

  async function open(prefix: string): Promise<Store> {
    const temp = await createTempDatabase(prefix, backend);
    temps.push(temp);
    const store = await openAndMigrate(temp);
    stores.push(store);
    return store;
  }

  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await Promise.all(temps.map((t) => t.drop()));
    stores = [];
    temps = [];
  });

  /** A follower's copy after one mirror of `leader`, as it travels: JSON. */
  async function mirror(leader: Store, follower: Store, drop?: "statusPage"): Promise<void> {
    const extras = JSON.parse(JSON.stringify(await readMirrorExtras(leader.db, box, new Date(0))));
    if (drop) delete extras[drop];
    await applyMirror(
      follower.db,
      box,
      { monitors: await listMonitors(leader.db, box), states: [], ...extras },
      () => [],
    );
  }

  it("reads null until saved, then what was saved, and null again once forgotten", async () => {
    const s = await open("uptop_sps");
    expect(await getStatusPageSettings(s.db)).toBeNull();
    await putStatusPageSettings(s.db, SAVED);
    expect(await getStatusPageSettings(s.db)).toEqual(SAVED);
    await putStatusPageSettings(s.db, { ...SAVED, enabled: false, description: null, monitorIds: null });
    expect(await getStatusPageSettings(s.db)).toEqual({
      ...SAVED,
      enabled: false,
      description: null,
      monitorIds: null,
    });
    await putStatusPageSettings(s.db, null);
    expect(await getStatusPageSettings(s.db)).toBeNull();
  });

  it.each([
    ["not JSON", "{enabled"],
    ["the wrong shape", JSON.stringify({ enabled: "yes", title: 1 })],
  ])("reads a stored value that is %s as never saved", async (_what, raw) => {
    const s = await open("uptop_sps_bad");
    await putSetting(s.db, "status-page", raw);
    expect(await getStatusPageSettings(s.db)).toBeNull();
  });

  it("goes with the mirror: saved, changed and forgotten on the leader, so on the follower", async () => {
    const leader = await open("uptop_sps_leader");
    const follower = await open("uptop_sps_follower");
    await putStatusPageSettings(leader.db, SAVED);
    await mirror(leader, follower);
    expect(await getStatusPageSettings(follower.db)).toEqual(SAVED);
    await putStatusPageSettings(leader.db, { ...SAVED, title: "Renamed" });
    await mirror(leader, follower);
    expect(await getStatusPageSettings(follower.db)).toEqual({ ...SAVED, title: "Renamed" });
    await putStatusPageSettings(leader.db, null);
    await mirror(leader, follower);
    expect(await getStatusPageSettings(follower.db)).toBeNull();
  });

  it("is kept on the follower when an older leader's mirror does not carry it", async () => {
    const leader = await open("uptop_sps_old_leader");
    const follower = await open("uptop_sps_old_follower");
    await putStatusPageSettings(follower.db, SAVED);
    await mirror(leader, follower, "statusPage");
    expect(await getStatusPageSettings(follower.db)).toEqual(SAVED);
  });
});
