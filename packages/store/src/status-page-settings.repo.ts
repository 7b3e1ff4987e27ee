import { statusPageSettingsSchema, type StatusPageSettings } from "@uptop/core";
import type { Db } from "./database.js";
import { getSetting, putSetting } from "./settings.repo.js";

const KEY = "status-page";

/**
 * The saved status page settings, or null when none were ever saved (the environment's then
 * apply). A stored value that no longer parses counts as never saved rather than breaking the page.
 */
export async function getStatusPageSettings(db: Db): Promise<StatusPageSettings | null> {
  const raw = await getSetting(db, KEY);
  if (raw === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = statusPageSettingsSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Saves the settings whole; null forgets them, so the environment's apply again. */
export async function putStatusPageSettings(db: Db, settings: StatusPageSettings | null): Promise<void> {
  if (settings === null) await db.deleteFrom("settings").where("key", "=", KEY).execute();
  else await putSetting(db, KEY, JSON.stringify(statusPageSettingsSchema.parse(settings)));
}
