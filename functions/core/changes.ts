/**
 * Changes of the contract's priced services (业务新增/变更/取消, R-CHANGE-1, 合同第四条4.10款) and the SMS
 * tariff adjustment (资费调整, 合同第三条3.11款). A change never edits a price: it appends a dated version to
 * the service (`changes` in the contract schema), so a bill already sent keeps what it was rated at, and
 * rating prices each usage record at the version in force on the record's date.
 *
 * - 4.10: submitted by the 15th (serviceChangeCutoffDay) → from the 1st of next month, otherwise the 1st of
 *   the month after; "经乙方确认同意后": a confirmation that only comes on or after that 1st moves the change to
 *   the 1st after the confirmation (ADR 0064).
 * - 3.11: Party B notifies a policy adjustment of SMS prices, both agree, and it applies from the day they
 *   agreed on — the clause names no month boundary, so a bill can span it and shows one line per price.
 */
import { type Contract, type ContractService, contractService, parseContract } from "./contract";
import { SERVICE_UNITS, type ServiceName } from "./contract/services";
import { serviceChangeEffective } from "./deadlines";
import { addDays, addMonths, type LocalDate, periodOf, startOfDay } from "./time";

export type ServiceChange = NonNullable<ContractService["changes"]>[number];
export type ChangeAction = ServiceChange["action"];
export const CHANGE_ACTIONS = ["add", "change", "cancel"] as const satisfies readonly ChangeAction[];

export class ServiceChangeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ServiceChangeError";
  }
}

/** The unit price in force on `day`, or null when the service is not in force (not yet added, or cancelled). */
export function priceOn(service: ContractService, day: LocalDate): string | null {
  let price: string | null = service.changes?.[0]?.action === "add" ? null : service.unitPrice;
  for (const change of service.changes ?? []) {
    if (change.effectiveFrom > day) break;
    price = change.unitPrice ?? null;
  }
  return price;
}

/** A stretch of days with one price; `unitPrice` null: the service is not in force then. */
export interface PriceSegment {
  from: LocalDate;
  to: LocalDate;
  unitPrice: string | null;
  /** The first instant of `from`, Asia/Shanghai. */
  startMs: number;
}

/** The service's prices over the days `first`..`last`, one segment per price version in force. */
export function priceSegments(service: ContractService, first: LocalDate, last: LocalDate): PriceSegment[] {
  const starts = [
    first,
    ...(service.changes ?? []).map((c) => c.effectiveFrom).filter((day) => day > first && day <= last),
  ];
  return starts.map((from, index) => {
    const next = starts[index + 1];
    return {
      from,
      to: next === undefined ? last : addDays(next, -1),
      unitPrice: priceOn(service, from),
      startMs: startOfDay(from).getTime(),
    };
  });
}

/** The segment an instant falls in (the first one for an instant before it: the usage reader bounds it). */
export function segmentAt(segments: readonly PriceSegment[], instantMs: number): number {
  let index = 0;
  while (index + 1 < segments.length && (segments[index + 1]?.startMs ?? Infinity) <= instantMs) index++;
  return index;
}

/** How a service added by a change reads on the bill when the signed contract did not price it (4.1). */
const ADDED_SERVICE: Record<ServiceName, { description: string; rule: string }> = {
  "monthly-fee": { description: "网络带宽服务费", rule: "R-PRICE-1" },
  "voice-outbound": { description: "语音通话费（主叫）", rule: "R-PRICE-2" },
  sms: { description: "短信", rule: "R-PRICE-3" },
};

function sameChange(a: ServiceChange, b: ServiceChange): boolean {
  return (
    a.effectiveFrom === b.effectiveFrom &&
    a.action === b.action &&
    a.unitPrice === b.unitPrice &&
    a.basis === b.basis
  );
}

/** Appends a price version to a service; the same version again is no change (a retried command). */
function appendChange(
  contract: Contract,
  name: ServiceName,
  change: ServiceChange,
): { contract: Contract; change: ServiceChange; changed: boolean } {
  const entry = contractService(contract, name);
  const recorded = entry?.changes ?? [];
  const same = recorded.find((c) => sameChange(c, change));
  if (same) return { contract, change: same, changed: false };
  const clash = recorded.find((c) => c.effectiveFrom >= change.effectiveFrom);
  if (clash)
    throw new ServiceChangeError(
      `a change of ${name} taking effect ${clash.effectiveFrom} is already recorded: a new one must take effect after it (R-CHANGE-1)`,
    );
  const inForce = entry !== undefined && priceOn(entry, change.effectiveFrom) !== null;
  if (change.action === "add" && inForce)
    throw new ServiceChangeError(`${name} is already priced on ${change.effectiveFrom}: use --action change`);
  if (change.action !== "add" && !inForce)
    throw new ServiceChangeError(
      `${name} is not in force on ${change.effectiveFrom}: it cannot be ${change.action === "cancel" ? "cancelled" : "changed"} (use --action add)`,
    );
  const services = entry
    ? contract.services.map((s) => (s === entry ? { ...s, changes: [...recorded, change] } : s))
    : [
        ...contract.services,
        {
          service: name,
          ...ADDED_SERVICE[name],
          unit: SERVICE_UNITS[name],
          unitPrice: change.unitPrice ?? "0",
          changes: [change],
        },
      ];
  return {
    contract: parseContract({ ...contract, services }, `${contract.contractId} after a change of ${name}`),
    change,
    changed: true,
  };
}

/** R-CHANGE-1 (4.10): the day a requested change takes effect. */
export function requestedChangeEffectiveFrom(
  contract: Contract,
  requestedOn: LocalDate,
  confirmedByPartyBOn: LocalDate,
): LocalDate {
  const byRequest = serviceChangeEffective(requestedOn, {
    serviceChangeCutoffDay: contract.rules.serviceChangeCutoffDay.value,
  }).date;
  // 4.10 "经乙方确认同意后…自下月1日起": never before the 1st after Party B's confirmation.
  const byConfirmation = addMonths(`${periodOf(confirmedByPartyBOn)}-01`, 1);
  return byConfirmation.localeCompare(byRequest) > 0 ? byConfirmation : byRequest;
}

/**
 * R-CHANGE-1 (4.10): Party A's request to add, change or cancel a service, confirmed by Party B, as the
 * contract reads after it.
 */
export function withServiceChange(
  contract: Contract,
  request: {
    service: ServiceName;
    action: ChangeAction;
    unitPrice?: string;
    requestedOn: LocalDate;
    confirmedByPartyBOn: LocalDate;
  },
): { contract: Contract; change: ServiceChange; changed: boolean } {
  if (request.confirmedByPartyBOn < request.requestedOn)
    throw new ServiceChangeError(
      `Party B confirmed on ${request.confirmedByPartyBOn}, before the request of ${request.requestedOn}`,
    );
  if (request.action === "cancel" && request.unitPrice !== undefined)
    throw new ServiceChangeError("a cancellation takes no --unit-price");
  if (request.action !== "cancel" && request.unitPrice === undefined)
    throw new ServiceChangeError(`--unit-price is required to ${request.action} a service`);
  return appendChange(contract, request.service, {
    effectiveFrom: requestedChangeEffectiveFrom(contract, request.requestedOn, request.confirmedByPartyBOn),
    action: request.action,
    ...(request.unitPrice === undefined ? {} : { unitPrice: request.unitPrice }),
    requestedOn: request.requestedOn,
    confirmedByPartyBOn: request.confirmedByPartyBOn,
    basis: "R-CHANGE-1",
  });
}

/** 3.11: an SMS tariff adjustment Party B notified and both parties agreed, from the day they agreed on. */
export function withTariffAdjustment(
  contract: Contract,
  adjustment: { unitPrice: string; notifiedOn: LocalDate; agreedOn: LocalDate; effectiveFrom: LocalDate },
): { contract: Contract; change: ServiceChange; changed: boolean } {
  if (adjustment.agreedOn < adjustment.notifiedOn)
    throw new ServiceChangeError(
      `agreed on ${adjustment.agreedOn}, before Party B notified the adjustment (${adjustment.notifiedOn})`,
    );
  if (adjustment.effectiveFrom < adjustment.agreedOn)
    throw new ServiceChangeError(
      `takes effect ${adjustment.effectiveFrom}, before it was agreed (${adjustment.agreedOn}): 3.11 needs both parties' agreement first`,
    );
  return appendChange(contract, "sms", {
    effectiveFrom: adjustment.effectiveFrom,
    action: "change",
    unitPrice: adjustment.unitPrice,
    requestedOn: adjustment.notifiedOn,
    confirmedByPartyBOn: adjustment.agreedOn,
    basis: "tariff-3.11",
  });
}
