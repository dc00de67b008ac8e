/** The breach register's one writer in the monthly cycle (R-BREACH-1). */

import { now } from "../../adapters/clock";
import { logger } from "../../adapters/logger";
import { sendEmail } from "../../adapters/mailer";
import { countBreach } from "../../adapters/metrics";
import {
  appendAuditEvent,
  appendBreachOnce,
  type Breach,
  type CycleRecord,
  getCycle,
} from "../../adapters/repository";
import type { Contract } from "../../core/contract";
import { breachCureDeadline } from "../../core/deadlines";
import { formatInstant as instant, shanghaiDateOf } from "../../core/time";
import * as emails from "../email-views";
import { deadlineRules } from "../rules";

/**
 * Adds a breach to the register once per rule and cycle (R-BREACH-1) and tells Party B's contact. The
 * audit event and the email are keyed by the breach, and done on every run: a retry after a crash
 * between the write and the email sends the email (of the breach as first recorded) exactly once.
 */
export async function recordBreachOnce(
  contract: Contract,
  cycle: CycleRecord,
  breach: Omit<Breach, "noticedAt" | "cureDeadline">,
): Promise<boolean> {
  const noticedAt = now();
  const cure = breachCureDeadline(shanghaiDateOf(noticedAt), deadlineRules(contract));
  const candidate: Breach = { ...breach, noticedAt: instant(noticedAt), cureDeadline: cure.at };
  const recorded = await appendBreachOnce(cycle.contractId, cycle.period, candidate);
  if (recorded) {
    countBreach(breach.rule);
    logger.warn("breach recorded", { contractId: cycle.contractId, period: cycle.period, rule: breach.rule });
  }
  const current = await getCycle(cycle.contractId, cycle.period);
  const full = (current.breaches ?? []).find((b) => b.rule === breach.rule) ?? candidate;
  await appendAuditEvent(
    {
      contractId: cycle.contractId,
      period: cycle.period,
      who: "system",
      what: `breach recorded: ${full.what}`,
      rule: full.rule,
      details: { party: full.party, cureDeadline: full.cureDeadline },
    },
    `breach#${cycle.period}#${breach.rule}`,
  );
  await sendEmail({
    contractId: cycle.contractId,
    emailKey: `breach#${cycle.period}#${breach.rule}`,
    to: [contract.parties.partyB.contact.email],
    ...emails.breachRecorded(contract, current, full),
  });
  return recorded;
}
