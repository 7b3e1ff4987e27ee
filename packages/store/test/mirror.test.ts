import { randomBytes } from "node:crypto";
import { SecretBox } from "@uptop/core";
import {
  applyMirror,
  createChannel,
  getChannel,
  listMonitors,
  openAndMigrate,
  readMirrorExtras,
  type Store,
} from "../src/index.js";

const SECRET_FIELDS = ["url", "headers"];
const settings = {
  url: "https://hooks.example.com/T0/secret-path",
  headers: { Authorization: "Bearer s3cret" },
  method: "POST",
};

/** What a follower holds after one mirror of a leader with `leaderBox`, into a store with `followerBox`. */
async function mirrorOnce(
  leader: Store,
  leaderBox: SecretBox,
  follower: Store,
  followerBox: SecretBox,
): Promise<Record<string, unknown>> {
  const extras = await readMirrorExtras(leader.db, leaderBox, new Date(0));
  // The wire carries JSON: what the follower sees is what survives a round trip through it.
  const wire = JSON.parse(JSON.stringify(extras)) as typeof extras;
  await applyMirror(
    follower.db,
    followerBox,
    { monitors: await listMonitors(leader.db, leaderBox), states: [], ...wire },
    () => SECRET_FIELDS,
  );
  const id = wire.channels[0]!.id;
  return (await getChannel(follower.db, followerBox, id)).settings;
}

describe("config mirror keeps channel secrets intact", () => {
  const keyed = () => new SecretBox(randomBytes(32));
  const unkeyed = new SecretBox(null);
  let stores: Store[] = [];

  async function open(): Promise<Store> {
    const s = await openAndMigrate({ type: "sqlite", dsn: ":memory:" });
    stores.push(s);
    return s;
  }

  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
  });

  it.each([
    ["keyed leader", "keyed follower", keyed(), keyed()],
    ["keyed leader", "unkeyed follower", keyed(), unkeyed],
    ["unkeyed leader", "keyed follower", unkeyed, keyed()],
    ["unkeyed leader", "unkeyed follower", unkeyed, unkeyed],
  ])(
    "%s to %s: string and object secrets read back as they were",
    async (_l, _f, leaderBox, followerBox) => {
      const leader = await open();
      const follower = await open();
      await createChannel(leader.db, leaderBox, {
        name: "hook",
        type: "webhook",
        settings,
        secretFields: SECRET_FIELDS,
        isDefault: true,
        enabled: true,
        reminderIntervalS: null,
      });
      expect(await mirrorOnce(leader, leaderBox, follower, followerBox)).toEqual(settings);
      // A second mirror of an unchanged leader must not wrap the values again.
      expect(await mirrorOnce(leader, leaderBox, follower, followerBox)).toEqual(settings);
    },
    30_000,
  );

  it("stores mirrored secrets encrypted when the follower has a key", async () => {
    const leader = await open();
    const follower = await open();
    const followerBox = keyed();
    await createChannel(leader.db, unkeyed, {
      name: "hook",
      type: "webhook",
      settings,
      secretFields: SECRET_FIELDS,
      isDefault: true,
      enabled: true,
      reminderIntervalS: null,
    });
    await mirrorOnce(leader, unkeyed, follower, followerBox);
    const raw = await follower.db.selectFrom("channels").select("settings").executeTakeFirstOrThrow();
    const text = JSON.stringify(raw.settings);
    expect(text).not.toContain("secret-path");
    expect(text).not.toContain("s3cret");
    expect(text).toContain('"method":"POST"');
  }, 30_000);
});
