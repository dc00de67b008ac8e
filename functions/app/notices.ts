/**
 * Written notices recorded by staff (R-NOTICE-1..3, R-TERM-3; 合同第九条, 第十条10.1款). A non-renewal notice
 * is judged against the term whose deadline it is meant for: by default the term in force on its dispatch
 * date, or the term the operator names; an early termination against its end date (termination.ts). A notice recorded after that term already renewed, but deemed delivered
 * in time, undoes the renewal: the contract ends at that term's last day after all.
 */

import { appendAuditEvent, getTerm, setTermNoticeOnce, type TermRecord } from "../adapters/repository";
import { completeTask } from "../adapters/workflow";
import { termStartDate } from "../core/contract";
import { assessNotice, DELIVERY_METHODS, DELIVERY_REGIONS } from "../core/notices";
import { RenewalInputError, renewalSchedule, termContaining } from "../core/renewal";
import { parseLocalDate } from "../core/time";
import { contractOrReject, OperationRejectedError } from "./operation-input";
import { ensureTermRecord, undoRenewal } from "./renewal-watch";
import { renewalRules } from "./rules";
import { recordTerminationNotice } from "./termination";

type Notice = NonNullable<TermRecord["notice"]>;

function sameNotice(a: Notice, b: Notice): boolean {
  return (
    a.kind === b.kind &&
    a.method === b.method &&
    a.region === b.region &&
    a.dispatched === b.dispatched &&
    a.deemedDeliveredOn === b.deemedDeliveredOn &&
    a.inTime === b.inTime
  );
}

export async function recordNotice(input: {
  contractId: string;
  kind: "non-renewal" | "termination";
  method: string;
  region: string | null;
  dispatched: string;
  /** The term the notice is meant for (R-TERM-3); by default the term in force on the dispatch date. */
  term?: number;
  /** R-TERM-3: an early termination's last day; the notice is judged against it minus 30 days. */
  end?: string;
}) {
  const record = await contractOrReject(input.contractId);
  if (!(DELIVERY_METHODS as readonly string[]).includes(input.method)) {
    throw new OperationRejectedError(
      `unknown delivery method ${input.method} (one of ${DELIVERY_METHODS.join(", ")})`,
    );
  }
  const method = input.method as (typeof DELIVERY_METHODS)[number];
  const needsRegion = method === "express" || method === "registered";
  if (needsRegion && !(DELIVERY_REGIONS as readonly string[]).includes(input.region ?? "")) {
    throw new OperationRejectedError(
      `--region is required for ${method}: one of ${DELIVERY_REGIONS.join(", ")}`,
    );
  }
  let dispatched: string;
  try {
    dispatched = parseLocalDate(input.dispatched);
  } catch {
    throw new OperationRejectedError(`--dispatched is not a date (YYYY-MM-DD): ${input.dispatched}`);
  }
  if (record.status === "ended") {
    throw new OperationRejectedError(`contract ${input.contractId} has ended (${record.endedOn ?? "?"})`);
  }
  const contract = record.contract;
  const rules = renewalRules(contract);
  if (input.kind === "termination") {
    if (input.end === undefined)
      throw new OperationRejectedError("--end is required for a termination notice: the contract's last day");
    let end: string;
    try {
      end = parseLocalDate(input.end);
    } catch {
      throw new OperationRejectedError(`--end is not a date (YYYY-MM-DD): ${input.end}`);
    }
    // R-TERM-3: judged in the term the end falls in, which must be the term in force.
    const term = input.term ?? termInForce(termStartDate(contract), end, rules.termYears);
    if (term !== record.term)
      throw new OperationRejectedError(
        `--end ${end} is not in the current term (${record.term}): an early end lies within the term in force`,
      );
    const region = needsRegion ? (input.region as (typeof DELIVERY_REGIONS)[number]) : null;
    return recordTerminationNotice({ contractId: input.contractId, term, method, region, dispatched, end });
  }
  if (input.end !== undefined)
    throw new OperationRejectedError("--end is only for a termination notice (--kind termination)");
  const term = input.term ?? termInForce(termStartDate(contract), dispatched, rules.termYears);
  if (!Number.isSafeInteger(term) || term < 1 || term > record.term) {
    throw new OperationRejectedError(
      `--term ${term}: the notice must be for a term that has begun; the contract's current term is ${record.term}`,
    );
  }
  // Only the term just renewed can still be undone: an earlier one ended or renewed twice over.
  if (term < record.term - 1) {
    throw new OperationRejectedError(
      `--term ${term}: that term is over; a notice can be filed against term ${record.term - 1} (just renewed) or ${record.term}`,
    );
  }
  const schedule = renewalSchedule(termStartDate(contract), term, rules);
  const deadline = schedule.nonRenewalDeadline;
  const region = needsRegion ? (input.region as (typeof DELIVERY_REGIONS)[number]) : null;
  const assessment = assessNotice({
    method,
    region,
    dispatched,
    deadline: deadline.date,
    table: rules.deemedDeliveryDays,
  });
  const notice: Notice = {
    kind: input.kind,
    method,
    region,
    dispatched,
    deemedDeliveredOn: assessment.deemedDeliveredOn,
    inTime: assessment.inTime,
  };
  const renewedAlready = term < record.term;
  // The term's record may not exist yet if its RenewalWatch has not planned it.
  await ensureTermRecord(input.contractId, schedule);
  // One conditional write decides: of two operators recording at once, one records, one is refused. The
  // same notice again is the retry of a recording that crashed before its effects: it finishes them — the
  // audit event (keyed by the term), the completed wait, or the undone renewal — each at most once.
  if (!(await setTermNoticeOnce(input.contractId, term, notice))) {
    const stored = (await getTerm(input.contractId, term))?.notice;
    if (!(stored && sameNotice(stored, notice)))
      throw new OperationRejectedError(`a written notice for term ${term} was already recorded`);
  }
  await appendAuditEvent(
    {
      contractId: input.contractId,
      who: "operator",
      what: `written ${input.kind} notice recorded for term ${term}: ${method}${region ? `/${region}` : ""} dispatched ${dispatched}, deemed delivered ${assessment.deemedDeliveredOn} — ${assessment.inTime ? "in time" : "too late"}`,
      rule: "R-NOTICE-2",
      details: { deadline: deadline.date, term },
    },
    `notice#${term}`,
  );
  let workflow: "completed" | "already-closed" | "not-acted-on" | "renewal-undone" = "not-acted-on";
  let undid: string | null = null;
  if (assessment.inTime && renewedAlready) {
    undid = await undoRenewal(input.contractId, term, schedule);
    workflow = "renewal-undone";
  } else if (assessment.inTime) {
    const token = (await getTerm(input.contractId, term))?.noticeToken;
    if (token) workflow = await completeTask(token, notice);
  }
  return {
    ...notice,
    term,
    deadline: deadline.date,
    latestDispatch: schedule.latestDispatch,
    ...(assessment.inTime ? {} : { daysLate: assessment.daysLate ?? null }),
    workflow,
    /** What recording this notice undid (the automatic renewal it came too late to stop), or null. */
    undid,
    /** The contract's last day under this notice (R-TERM-4), or null when it does not end the contract. */
    contractEndsOn: assessment.inTime ? schedule.lastDay : null,
  };
}

/** R-TERM-3: the term in force on the dispatch date, the default term a notice is meant for. */
function termInForce(termStart: string, dispatched: string, termYears: number): number {
  try {
    return termContaining(termStart, dispatched, termYears).term;
  } catch (error) {
    if (error instanceof RenewalInputError) {
      throw new OperationRejectedError(`--dispatched ${dispatched}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
