/**
 * Party A's request to add, change or cancel a service (R-CHANGE-1, 4.10) and Party B's agreed SMS tariff
 * adjustment (3.11), recorded by an operator: the contract's service gains a dated price version once (over
 * the version it was read at), the change is audited, and every bill rated from then prices each record at
 * the version in force on its date. A change cannot reach a bill already prepared: it is refused then.
 */
import { now } from "../adapters/clock";
import { appendAuditEvent, findCycle, getContract } from "../adapters/repository";
import {
  type ChangeAction,
  requestedChangeEffectiveFrom,
  type ServiceChange,
  ServiceChangeError,
  withServiceChange,
  withTariffAdjustment,
} from "../core/changes";
import type { ServiceName } from "../core/contract/services";
import { statementSchema } from "../core/statement";
import { type LocalDate, periodOf, shanghaiDateOf } from "../core/time";
import { changeContract } from "./contract-change";
import { contractOrReject, OperationRejectedError } from "./operation-input";

function notAfterToday(day: LocalDate, field: string): void {
  if (day > shanghaiDateOf(now())) throw new OperationRejectedError(`${field} ${day} is in the future`);
}

async function activeContract(contractId: string) {
  const record = await contractOrReject(contractId);
  if (record.status === "ended")
    throw new OperationRejectedError(`contract ${contractId} has ended (${record.endedOn ?? "?"})`);
  return record;
}

/** The bill of the effective date's period must still be to come, or the change could never reach it. */
async function notYetBilled(contractId: string, effectiveFrom: LocalDate): Promise<void> {
  const period = periodOf(effectiveFrom);
  if (await findCycle(contractId, period))
    throw new OperationRejectedError(
      `the bill of ${period} is already prepared: a change in force from ${effectiveFrom} cannot reach it`,
    );
}

async function record(
  contractId: string,
  service: ServiceName,
  result: { change: ServiceChange; changed: boolean },
  what: string,
) {
  const { change } = result;
  if (result.changed) {
    await appendAuditEvent(
      {
        contractId,
        who: "operator",
        what,
        rule: "R-CHANGE-1",
        details: { service, ...change },
      },
      `service-change#${service}#${change.effectiveFrom}`,
    );
  }
  return {
    service,
    action: change.action,
    unitPrice: change.unitPrice ?? null,
    requestedOn: change.requestedOn,
    confirmedByPartyBOn: change.confirmedByPartyBOn,
    effectiveFrom: change.effectiveFrom,
    basis: change.basis,
    changed: result.changed,
  };
}

/** R-CHANGE-1 (4.10): in force from the 1st after the request (by the 15th) or the 1st after that. */
export async function requestServiceChange(input: {
  contractId: string;
  service: ServiceName;
  action: ChangeAction;
  unitPrice?: string;
  requestedOn: LocalDate;
  /** 4.10 "经乙方确认同意后"; by default Party B confirmed on the day of the request. */
  confirmedByPartyBOn?: LocalDate;
}) {
  const { contract } = await activeContract(input.contractId);
  notAfterToday(input.requestedOn, "--requested");
  const confirmedByPartyBOn = input.confirmedByPartyBOn ?? input.requestedOn;
  notAfterToday(confirmedByPartyBOn, "--confirmed-by-party-b");
  await notYetBilled(
    input.contractId,
    requestedChangeEffectiveFrom(contract, input.requestedOn, confirmedByPartyBOn),
  );
  const result = await changeContract(
    input.contractId,
    (stored) => withServiceChange(stored, { ...input, confirmedByPartyBOn }),
    [ServiceChangeError],
  );
  const price = result.change.unitPrice === undefined ? "" : ` at ${result.change.unitPrice}`;
  return record(
    input.contractId,
    input.service,
    result,
    `Party A requested to ${input.action} ${input.service}${price} on ${input.requestedOn}, confirmed by Party B on ${confirmedByPartyBOn}: in force from ${result.change.effectiveFrom}`,
  );
}

/** 3.11: an SMS tariff adjustment Party B notified and both agreed, in force from the agreed day. */
export async function recordTariffAdjustment(input: {
  contractId: string;
  unitPrice: string;
  notifiedOn: LocalDate;
  agreedOn: LocalDate;
  effectiveFrom: LocalDate;
}) {
  await activeContract(input.contractId);
  notAfterToday(input.notifiedOn, "--notified");
  notAfterToday(input.agreedOn, "--agreed");
  await notYetBilled(input.contractId, input.effectiveFrom);
  const result = await changeContract(input.contractId, (contract) => withTariffAdjustment(contract, input), [
    ServiceChangeError,
  ]);
  return record(
    input.contractId,
    "sms",
    result,
    `SMS tariff adjusted to ${input.unitPrice} (3.11): notified ${input.notifiedOn}, agreed ${input.agreedOn}, in force from ${input.effectiveFrom}`,
  );
}

/**
 * What a reader (the run's JSON, the console) shows of the changes: every service's price versions with
 * their effective dates, and the bill lines of the periods given that were priced for part of their period.
 */
export async function serviceChangesView(contractId: string, periods: readonly string[]) {
  const { contract } = await getContract(contractId);
  const serviceChanges = contract.services.flatMap((s) =>
    (s.changes ?? []).map((change) => ({
      service: s.service,
      ...change,
      unitPrice: change.unitPrice ?? null,
    })),
  );
  const partPeriodLines = [];
  for (const period of periods) {
    const cycle = await findCycle(contractId, period);
    if (!cycle) continue;
    for (const line of statementSchema.parse(cycle.statement).lines) {
      if (line.inForce || line.rule === "R-CHANGE-1") partPeriodLines.push({ period, ...line });
    }
  }
  return { serviceChanges, partPeriodLines };
}
