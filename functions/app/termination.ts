/**
 * Early termination (R-TERM-3, 合同第十条10.1款): a written notice ending the contract on a day before its
 * term's end, judged against that day minus 30 days (ADR 0066). An in-time notice is the term's notice (so
 * the term's RenewalWatch neither reminds nor renews), and an ObligationClock waits until the end of the
 * last day and ends the contract then: status ended, billed for the period it ended in and never after, the
 * last period settled by the settlement document (ADR 0011) when its cycle closes. A late notice is refused
 * with the earliest end date it would make lawful; nothing is recorded.
 */
import { appendAuditEvent, getContract, getTerm, setTermNoticeOnce } from "../adapters/repository";
import { completeTask } from "../adapters/workflow";
import { termStartDate } from "../core/contract";
import type { DeliveryMethod, DeliveryRegion } from "../core/notices";
import { renewalSchedule } from "../core/renewal";
import { assessTermination, TerminationInputError } from "../core/termination";
import { endOfDay, formatInstant } from "../core/time";
import { startTerminationClock } from "./obligation-clock";
import { OperationRejectedError } from "./operation-input";
import { ensureTermRecord } from "./renewal-watch";
import { renewalRules } from "./rules";

export async function recordTerminationNotice(input: {
  contractId: string;
  term: number;
  method: DeliveryMethod;
  region: DeliveryRegion | null;
  dispatched: string;
  end: string;
}) {
  const { contract } = await getContract(input.contractId);
  const rules = renewalRules(contract);
  const schedule = renewalSchedule(termStartDate(contract), input.term, rules);
  let assessment: ReturnType<typeof assessTermination>;
  try {
    assessment = assessTermination({
      method: input.method,
      region: input.region,
      dispatched: input.dispatched,
      end: input.end,
      noticeDays: rules.nonRenewalNoticeDays,
      table: rules.deemedDeliveryDays,
      term: schedule,
    });
  } catch (error) {
    if (error instanceof TerminationInputError)
      throw new OperationRejectedError(error.message, { cause: error });
    throw error;
  }
  if (!assessment.inTime)
    throw new OperationRejectedError(
      `--end ${input.end}: the notice is deemed delivered ${assessment.deemedDeliveredOn}, after ${assessment.deadline} (30 days before the end, clause 10.1): the earliest lawful end date is ${assessment.earliestLawfulEnd}`,
    );
  const notice = {
    kind: "termination",
    method: input.method,
    region: input.region,
    dispatched: input.dispatched,
    deemedDeliveredOn: assessment.deemedDeliveredOn,
    inTime: true,
    endsOn: input.end,
  };
  await ensureTermRecord(input.contractId, schedule);
  if (!(await setTermNoticeOnce(input.contractId, input.term, notice))) {
    const stored = (await getTerm(input.contractId, input.term))?.notice;
    if (
      stored?.kind !== "termination" ||
      stored.endsOn !== input.end ||
      stored.dispatched !== input.dispatched
    )
      throw new OperationRejectedError(`a written notice for term ${input.term} was already recorded`);
  }
  await appendAuditEvent(
    {
      contractId: input.contractId,
      who: "operator",
      what: `written termination notice recorded for term ${input.term}: ${input.method}${input.region ? `/${input.region}` : ""} dispatched ${input.dispatched}, deemed delivered ${assessment.deemedDeliveredOn}, in time for an end on ${input.end}`,
      rule: "R-TERM-3",
      details: { deadline: assessment.deadline, term: input.term, endsOn: input.end },
    },
    `notice#${input.term}`,
  );
  // A watch already waiting for the term's notice takes it now; its term end comes after this end.
  const token = (await getTerm(input.contractId, input.term))?.noticeToken;
  const workflow = token ? await completeTask(token, notice) : "not-acted-on";
  await startTerminationClock(input.contractId, input.term, formatInstant(endOfDay(input.end)));
  return {
    ...notice,
    term: input.term,
    deadline: assessment.deadline,
    latestDispatch: schedule.latestDispatch,
    workflow,
    undid: null,
    contractEndsOn: input.end,
  };
}
