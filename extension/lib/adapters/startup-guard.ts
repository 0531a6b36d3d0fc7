/**
 * Chrome's declarativeNetRequest as the start-up guard: arms the dynamic
 * block rules while resuming at the next browser start is intended, lifts
 * them for the current browser session once the background has taken over.
 * The rules themselves come from proxy/startup-block-rules.ts.
 */
import { RELEASE_RULE, RELEASE_RULE_ID, type DnrRule } from "../proxy/startup-block-rules";

export interface DeclarativeNetRequest {
  updateDynamicRules(options: { removeRuleIds?: number[]; addRules?: DnrRule[] }): Promise<void>;
  getDynamicRules(): Promise<Array<{ id: number }>>;
  updateSessionRules(options: { removeRuleIds?: number[]; addRules?: DnrRule[] }): Promise<void>;
  getSessionRules(): Promise<Array<{ id: number }>>;
}

export class StartupGuard {
  constructor(private readonly dnr: DeclarativeNetRequest) {}

  /** Replace the dynamic rules: they take effect at the next browser start. */
  async arm(rules: DnrRule[]): Promise<void> {
    const existing = (await this.dnr.getDynamicRules()).map((r) => r.id);
    await this.dnr.updateDynamicRules({ removeRuleIds: existing, addRules: rules });
  }

  async disarm(): Promise<void> {
    const existing = (await this.dnr.getDynamicRules()).map((r) => r.id);
    if (existing.length > 0) await this.dnr.updateDynamicRules({ removeRuleIds: existing });
  }

  /** Lift the block for this browser session (the proxy settings route traffic from here on). */
  async release(): Promise<void> {
    if ((await this.dnr.getSessionRules()).some((r) => r.id === RELEASE_RULE_ID)) return;
    await this.dnr.updateSessionRules({ removeRuleIds: [RELEASE_RULE_ID], addRules: [RELEASE_RULE] });
  }

  /** True while the start-up block is in force (armed and not yet released this session). */
  async blocking(): Promise<boolean> {
    const [dynamic, session] = await Promise.all([this.dnr.getDynamicRules(), this.dnr.getSessionRules()]);
    return dynamic.length > 0 && !session.some((r) => r.id === RELEASE_RULE_ID);
  }
}
