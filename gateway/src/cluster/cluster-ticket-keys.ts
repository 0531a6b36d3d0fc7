/**
 * The cluster's one TLS session ticket key set (why the primary owns it:
 * cluster-primary.ts). Handed to each worker that asks before it listens,
 * and, unless the keys were configured, replaced every rotation period and
 * sent to every worker.
 *
 *   const tickets = ClusterTicketKeys.for(config.tls);   // null without a TLS listener
 *   tickets?.message();                                   // the current set, as an IPC message
 *   tickets?.startRotating(pool, logger);
 *   tickets?.stop();
 */
import type { PrimaryMessage } from "./cluster-messages";
import { type GatewayConfig, TICKET_KEY_ROTATION_MS } from "../gateway-settings";
import type { Logger } from "../logger";
import { newTicketKeys } from "../tls/tls-listener";

/** Where a new set goes: every worker, and how many there are (for the log). */
interface Recipients {
  broadcast(message: PrimaryMessage): void;
  readonly size: number;
}

export class ClusterTicketKeys {
  private generation = 1;
  private rotation: NodeJS.Timeout | undefined;

  private constructor(
    private keys: Buffer,
    /** null: configured keys, handed out as they are and never rotated */
    private readonly rotationMs: number | null,
  ) {}

  static for(tls: GatewayConfig["tls"]): ClusterTicketKeys | null {
    if (!tls) return null;
    return new ClusterTicketKeys(
      tls.ticketKeys ?? newTicketKeys(),
      tls.ticketKeys ? null : (tls.ticketKeyRotationMs ?? TICKET_KEY_ROTATION_MS),
    );
  }

  message(): PrimaryMessage {
    return { type: "cargo:ticket-keys", keys: this.keys.toString("base64"), generation: this.generation };
  }

  startRotating(workers: Recipients, logger: Logger): void {
    if (this.rotationMs === null) return;
    this.rotation = setInterval(() => {
      this.keys = newTicketKeys();
      this.generation += 1;
      // Workers still starting may miss this; they ask for the current set before they listen.
      workers.broadcast(this.message());
      logger.info("tls_ticket_keys_rotated", { generation: this.generation, workers: workers.size });
    }, this.rotationMs);
    this.rotation.unref();
  }

  stop(): void {
    clearInterval(this.rotation);
  }
}
