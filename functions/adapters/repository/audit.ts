/** Audit history (append-only), expiring by TTL (R-RETAIN-1, ADR 0033). */

import { randomBytes } from "node:crypto";
import * as z from "zod";
import { expiresAtSeconds } from "../../core/retention";
import { now } from "../clock";
import { operatorIdentity } from "../operator-identity";
import { contractKey, parseRecord, putIfAbsent, queryAll } from "./table";

const auditEventSchema = z.object({
  at: z.string(),
  contractId: z.string(),
  period: z.string().optional(),
  who: z.enum(["system", "party-a", "party-b", "operator"]),
  /** For `who: "operator"`: the caller's identity ARN on AWS, `local:<OS user>` locally (ADR 0032). */
  operator: z.string().optional(),
  what: z.string(),
  rule: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

let eventSequence = 0;

/**
 * Appends an audit event. With `once` (a key naming the step and its effect, e.g. `bill-sent#2025-09`)
 * the event is written at most once however often the step runs; without it every call adds one (what
 * an operator does is recorded each time they do it).
 */
export async function appendAuditEvent(event: Omit<AuditEvent, "at">, once?: string): Promise<boolean> {
  const at = now().toISOString();
  eventSequence = (eventSequence + 1) % 1_000_000;
  const unique = `${String(eventSequence).padStart(6, "0")}${randomBytes(4).toString("hex")}`;
  const operator = event.who === "operator" ? { operator: await operatorIdentity() } : {};
  const SK = once === undefined ? `EVENT#${at}#${unique}` : `EVENT#once#${once}`;
  return putIfAbsent({
    PK: contractKey(event.contractId),
    SK,
    at,
    ...event,
    ...operator,
    // R-RETAIN-1 (ADR 0033): gone by TTL after the retention and its grace.
    expiresAt: expiresAtSeconds(now()),
  });
}

/** The contract's audit history in the order it happened. */
export async function auditHistory(contractId: string): Promise<AuditEvent[]> {
  const events = (await queryAll<Record<string, unknown>>(contractKey(contractId), "EVENT#")).map((item) =>
    parseRecord(auditEventSchema, item, "audit event"),
  );
  return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
