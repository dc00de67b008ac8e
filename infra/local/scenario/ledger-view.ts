/**
 * What a run's JSON adds to each period and to the whole contract, read back from the stack as an
 * admin would see it (DynamoDB through the repository): the bill's lines with the period an adjustment
 * comes from, paid and outstanding from the ledger, breaches with whose and when, the contract's status,
 * each term's outcome, the settlement document and every ledger entry. Amounts are 2-decimal yuan strings.
 */
import {
  type CycleRecord,
  getContract,
  getTerm,
  ledgerEntries,
} from "../../../functions/adapters/repository";
import { inForce, type LedgerEntry, periodBalance } from "../../../functions/core/ledger";
import { formatFen } from "../../../functions/core/money";
import { statementSchema } from "../../../functions/core/statement";

export interface BillLine {
  kind: "monthly-fee" | "voice" | "voice-inbound" | "sms" | "sms-uplink" | "adjustment" | "credit";
  amount: string;
  sourcePeriod?: string;
}

export interface PeriodLedgerView {
  lines: BillLine[];
  paid: string;
  outstanding: string;
  breachRecords: { rule: string; party: "partyA" | "partyB"; at: string }[];
}

export interface ContractLedgerView {
  contract: { status: "active" | "ended"; lastDay: string | null };
  terms: { term: number; outcome: "renewed" | "ended" | "cancelled" | "pending" }[];
  settlement: { amount: string; direction: "refund" | "collect" | "none"; sentAt: string } | null;
  ledger: {
    entryId: string;
    period: string;
    kind: LedgerEntry["kind"];
    amount: string;
    at: string;
    who: string;
    reason?: string;
    reverses?: string;
  }[];
}

const LINE_KIND = {
  "monthly-fee": "monthly-fee",
  "voice-outbound": "voice",
  "voice-inbound": "voice-inbound",
  sms: "sms",
  "sms-uplink": "sms-uplink",
} as const;

/** The bill's usage lines from its statement, then what it carries, each naming its source period once. */
function billLines(cycle: CycleRecord, entries: readonly LedgerEntry[]): BillLine[] {
  const statement = statementSchema.safeParse(cycle.statement);
  const usage: BillLine[] = statement.success
    ? statement.data.lines.flatMap((line) =>
        line.service === "adjustment" ? [] : [{ kind: LINE_KIND[line.service], amount: line.amount }],
      )
    : [];
  const charge = entries.find((e) => e.entryId === `${cycle.period}#charge`);
  const carried = (charge?.carried ?? []).map((c) => ({
    kind: c.kind,
    amount: formatFen(c.amountFen),
    sourcePeriod: c.sourcePeriod,
  }));
  return [...usage, ...carried];
}

/**
 * Each cycle's view (cycles of one contract), from one read of the contract's ledger: a year's report reads it
 * once, not once a month.
 */
export async function periodLedgerViews(
  contractId: string,
  cycles: readonly CycleRecord[],
): Promise<{ cycle: CycleRecord; view: PeriodLedgerView }[]> {
  const entries = cycles.length === 0 ? [] : await ledgerEntries(contractId);
  return cycles.map((cycle) => ({ cycle, view: periodLedgerView(cycle, entries) }));
}

function periodLedgerView(cycle: CycleRecord, entries: LedgerEntry[]): PeriodLedgerView {
  const balance = periodBalance(entries, cycle.period);
  return {
    lines: billLines(cycle, entries),
    paid: formatFen(balance.paidFen),
    outstanding: formatFen(balance.outstandingFen),
    breachRecords: (cycle.breaches ?? []).map((b) => ({
      rule: b.rule,
      party: b.party === "A" ? "partyA" : "partyB",
      at: b.noticedAt,
    })),
  };
}

export async function contractLedgerView(contractId: string): Promise<ContractLedgerView> {
  const contractRecord = await getContract(contractId);
  const terms: ContractLedgerView["terms"] = [];
  for (let term = 1; ; term++) {
    const record = await getTerm(contractId, term);
    if (!record) break;
    terms.push({ term, outcome: record.outcome ?? "pending" });
  }
  const inForceTerm = await getTerm(contractId, contractRecord.term);
  const entries = await ledgerEntries(contractId);
  const settled = inForce(entries).find((e) => e.kind === "settlement");
  return {
    contract: {
      status: contractRecord.status,
      lastDay:
        contractRecord.status === "ended" ? (contractRecord.endedOn ?? null) : (inForceTerm?.lastDay ?? null),
    },
    terms,
    settlement: settled
      ? {
          amount: formatFen(settled.amountFen < 0n ? -settled.amountFen : settled.amountFen),
          direction: settled.amountFen > 0n ? "collect" : settled.amountFen < 0n ? "refund" : "none",
          sentAt: settled.at,
        }
      : null,
    ledger: entries.map((e) => ({
      entryId: e.entryId,
      period: e.period,
      kind: e.kind,
      amount: formatFen(e.amountFen),
      at: e.at,
      who: e.who,
      ...(e.reason !== undefined ? { reason: e.reason } : {}),
      ...(e.reverses !== undefined ? { reverses: e.reverses } : {}),
    })),
  };
}
