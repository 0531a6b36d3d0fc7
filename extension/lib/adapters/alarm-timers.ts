/** Timers on `browser.alarms`, which fire even after the MV3 service worker was stopped. */
import type { Timers } from "../connection/connection-service";

export interface Alarms {
  create(name: string, info: { when: number }): Promise<void> | void;
  clear(name: string): Promise<boolean> | boolean | void;
}

export class AlarmTimers implements Timers {
  constructor(private readonly alarms: Alarms) {}

  async schedule(name: string, at: number): Promise<void> {
    await this.alarms.create(name, { when: at });
  }

  async clear(name: string): Promise<void> {
    await this.alarms.clear(name);
  }
}
