/**
 * The IPC vocabulary between the cluster primary (cluster-primary.ts) and its
 * workers (cluster-worker.ts). Requests carry an id; the worker answers with
 * a `reply` holding the same id. Session ids cross this channel (heartbeat
 * lists, revocations) but never leave the machine except to the API.
 */
import type { MetricsSnapshot } from "./metrics";

export interface CarriedSessions {
  activeSessions: number;
  openFlows: number;
  sessions: string[];
}

export type PrimaryMessage =
  | { type: "cargo:collect"; id: number }
  | { type: "cargo:metrics"; id: number }
  | { type: "cargo:revoke"; sessionIds: string[] }
  | { type: "cargo:shutdown" };

export type WorkerMessage =
  | { type: "cargo:ready"; port: number; tlsPort?: number }
  | { type: "cargo:reply"; id: number; body: CarriedSessions | MetricsSnapshot };

/** Internal environment the primary gives each worker. */
export const WORKER_INDEX_ENV = "CARGO_GATEWAY_WORKER_INDEX";
export const WORKER_COUNT_ENV = "CARGO_GATEWAY_WORKER_COUNT";

/** True for this vocabulary's messages (the IPC channel also carries Node's own cluster messages). */
function isCargoMessage(message: unknown): boolean {
  return typeof message === "object" && message !== null && String((message as { type?: unknown }).type).startsWith("cargo:");
}

export const isPrimaryMessage = (message: unknown): message is PrimaryMessage => isCargoMessage(message);
export const isWorkerMessage = (message: unknown): message is WorkerMessage => isCargoMessage(message);
