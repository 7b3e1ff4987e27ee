import type { StatusPageSettings } from "@uptop/core";
import { getStatusPageSettings, putStatusPageSettings, type Db } from "@uptop/store";

export interface StatusPageSettingsSourceOptions {
  db: Db;
  /** What applies until settings are saved: the environment's (UPTOP_STATUS_ENABLED, UPTOP_STATUS_TITLE). */
  defaults: StatusPageSettings;
}

/**
 * The status page settings as they apply: the saved ones, else the environment's. One instance
 * is shared by the page and the settings API, so a save on this node reaches the page at once.
 */
export class StatusPageSettingsSource {
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly o: StatusPageSettingsSourceOptions) {}

  async read(): Promise<StatusPageSettings> {
    return (await getStatusPageSettings(this.o.db)) ?? this.o.defaults;
  }

  async save(settings: StatusPageSettings): Promise<void> {
    await putStatusPageSettings(this.o.db, settings);
    for (const listener of this.listeners) listener();
  }

  /** Called after every save on this node (a follower's copy changes by mirror, and is read within seconds). */
  onSaved(listener: () => void): void {
    this.listeners.push(listener);
  }
}
