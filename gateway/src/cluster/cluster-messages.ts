/**
 * The IPC vocabulary between the cluster primary (cluster-primary.ts) and its
 * workers (cluster-worker.ts). Requests carry an id; the worker answers with
 * a `reply` holding the same id. Session ids cross this channel (heartbeat
 * lists, revocations) but never leave the machine except to the API.
 *
 * TLS session ticket keys cross it too (base64, never logged): a worker with
 * a TLS listener asks for them before it listens (`cargo:ticket-keys-wanted`)
 * and the primary answers with the current set, then sends every new set to
 * all workers when it rotates them. `generation` counts the sets (1 = the
 * first) so logs can say which set a worker runs on without naming it.
 */
import type { MetricsSnapshot } from "../admin/metrics";

export interface CarriedSessions {
  activeSessions: number;
  openFlows: number;
  sessions: string[];
}

export type PrimaryMessage =
  | { type: "cargo:collect"; id: number }
  | { type: "cargo:metrics"; id: number }
  | { type: "cargo:revoke"; sessionIds: string[] }
  | { type: "cargo:shutdown" }
  | { type: "cargo:ticket-keys"; keys: string; generation: number }
  /** The primary's heartbeat missed too many beats (or recovered): refuse new flows, or take them again. */
  | { type: "cargo:refusing-new-flows"; refusing: boolean };

export type WorkerMessage =
  | { type: "cargo:ready"; port: number; tlsPort?: number; tlsHttp1Port?: number }
  | { type: "cargo:reply"; id: number; body: CarriedSessions | MetricsSnapshot }
  | { type: "cargo:ticket-keys-wanted" }
  /** The session's holder ended it on this worker (proxy/session-end.ts): the primary ends it in all of them. */
  | { type: "cargo:session-ended"; sessionId: string };

/** True for this vocabulary's messages (the IPC channel also carries Node's own cluster messages). */
function isCargoMessage(message: unknown): boolean {
  return typeof message === "object" && message !== null && String((message as { type?: unknown }).type).startsWith("cargo:");
}

export const isPrimaryMessage = (message: unknown): message is PrimaryMessage => isCargoMessage(message);
export const isWorkerMessage = (message: unknown): message is WorkerMessage => isCargoMessage(message);
