/**
 * The obligation registers as the console's contract page shows them: service-level tickets with their
 * deadlines and outcome (R-SLA-1, R-SLA-2), the breach register with cure deadlines, outcome and Party B's
 * liability cap as of today (R-BREACH-1, R-LIAB-1, R-FM-1), and the changes with the day each takes effect:
 * bank accounts (R-BANK-1), contacts and addresses 10 days after their notice (R-NOTICE-4, 9.2), services
 * and SMS tariffs (R-CHANGE-1, 4.10; 3.11). Read-only, through the same functions `npm run ops` reports
 * with, so the page and the CLI cannot disagree.
 */

import { now } from "../adapters/clock";
import { listCycles } from "../adapters/repository";
import { getContractDocument } from "../adapters/repository/contract-document";
import { listTickets } from "../adapters/repository/tickets";
import { partyInForceOn } from "../core/contact-in-force";
import type { Contract } from "../core/contract";
import { formatInstant as formatInstantWords } from "../core/emails/format";
import { maskAccount, maskEmail, maskPhone } from "../core/mask";
import { accountInForce, type PartyKey } from "../core/party-changes";
import { TICKET_RULES, ticketBreachId } from "../core/service-levels";
import { type LocalDate, type Period, periodOf, shanghaiDateOf } from "../core/time";
import { breachRegister, detectedId } from "./breach-register";
import { breachDescription } from "./email-views/cycle";
import { summarizeServiceLevels } from "./tickets";

type Summary = ReturnType<typeof summarizeServiceLevels>;
export type TicketRow = Summary["tickets"][number];
type StoredRegister = Awaited<ReturnType<typeof breachRegister>>;
/**
 * The register as stored, each entry with `description`: a breach the monthly cycle detected in the words
 * its email to Party B used (违约登记), null for the others (their `what` is an operator's own words).
 */
export type BreachRegisterView = Omit<StoredRegister, "breaches"> & {
  breaches: Array<StoredRegister["breaches"][number] & { description: string | null }>;
};

export interface BankAccountRow {
  party: PartyKey;
  bank: string;
  accountName: string;
  /** Masked as in every output (core/mask.ts). */
  account: string;
  effectiveFrom: LocalDate;
  /** The account statements show today (R-BANK-1). */
  inForce: boolean;
}

export interface ContactRow {
  party: PartyKey;
  name: string;
  phone: string;
  email: string;
  address: string;
  /** The written notice of the change (R-NOTICE-4); null for the contact the contract was signed with. */
  notifiedOn: LocalDate | null;
  /** 10 days after the notice (R-NOTICE-4, 9.2); null for the signed contact. */
  effectiveFrom: LocalDate | null;
  inForce: boolean;
}

/** A service's price version (R-CHANGE-1, 4.10) or SMS tariff adjustment (3.11), with the day it takes effect. */
export interface ServiceChangeRow {
  service: string;
  action: "add" | "change" | "cancel";
  unitPrice: string | null;
  requestedOn: LocalDate;
  confirmedByPartyBOn: LocalDate;
  effectiveFrom: LocalDate;
  basis: "R-CHANGE-1" | "tariff-3.11";
  inForce: boolean;
}

export interface ContractObligations {
  asOf: LocalDate;
  tickets: TicketRow[];
  /** Per month with an SMS-gateway fault closed in it: the average repair time against 6 hours (3.18). */
  smsGateway: Array<{ period: Period } & Summary["smsGateway"]>;
  register: BreachRegisterView;
  bankAccounts: BankAccountRow[];
  contacts: ContactRow[];
  serviceChanges: ServiceChangeRow[];
}

const PARTIES: readonly PartyKey[] = ["partyA", "partyB"];

/** A ticket's breach in words (R-SLA-1, R-SLA-2): which ticket, its deadline and the one clause it answers to. */
function ticketBreachWords(ticket: TicketRow, dueAt: string): string {
  const due = formatInstantWords(dueAt);
  const missed = ticket.closedAt === undefined ? `超过时限 ${due}仍未处理完毕` : `未在时限 ${due}前处理完毕`;
  return `工单 ${ticket.ticketId}（${ticket.what}）${missed}（${TICKET_RULES[ticket.kind].clause}）`;
}

function bankAccounts(contract: Contract, asOf: LocalDate): BankAccountRow[] {
  return PARTIES.flatMap((party) => {
    const accounts = contract.parties[party].bankAccounts;
    const current = accountInForce(accounts, asOf);
    return [...accounts]
      .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))
      .map((account) => ({
        party,
        bank: account.bank,
        accountName: account.accountName,
        account: maskAccount(account.accountNumber),
        effectiveFrom: account.effectiveFrom,
        inForce: account === current,
      }));
  });
}

function contacts(contract: Contract, asOf: LocalDate): ContactRow[] {
  return PARTIES.flatMap((party) => {
    const signed = contract.parties[party];
    const current = partyInForceOn(signed, asOf);
    const row = (
      c: { contact: typeof signed.contact; address: string },
      notifiedOn: LocalDate | null,
      effectiveFrom: LocalDate | null,
    ): ContactRow => ({
      party,
      name: c.contact.name,
      phone: maskPhone(c.contact.phone),
      email: maskEmail(c.contact.email),
      address: c.address,
      notifiedOn,
      effectiveFrom,
      inForce: c.contact === current.contact && c.address === current.address,
    });
    return [
      row(signed, null, null),
      ...(signed.contactChanges ?? []).map((change) => row(change, change.notifiedOn, change.effectiveFrom)),
    ];
  });
}

function serviceChanges(contract: Contract, asOf: LocalDate): ServiceChangeRow[] {
  return contract.services
    .flatMap((s) =>
      (s.changes ?? []).map((change) => ({
        service: s.service,
        action: change.action,
        unitPrice: change.unitPrice ?? null,
        requestedOn: change.requestedOn,
        confirmedByPartyBOn: change.confirmedByPartyBOn,
        effectiveFrom: change.effectiveFrom,
        basis: change.basis,
        inForce: change.effectiveFrom <= asOf,
      })),
    )
    .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
}

export async function contractObligations(contract: Contract, at: Date): Promise<ContractObligations> {
  const asOf = shanghaiDateOf(at);
  const stored = await breachRegister({ contractId: contract.contractId, asOf });
  // A ticket shows in the month it opened and in the month it closed; the later reading is the current one.
  const periods = new Set<Period>();
  const allTickets = await listTickets(contract.contractId);
  for (const ticket of allTickets) {
    for (const instant of [ticket.openedAt, ticket.closedAt]) {
      if (instant) periods.add(periodOf(shanghaiDateOf(new Date(instant))));
    }
  }
  const tickets = new Map<string, TicketRow>();
  const smsGateway: ContractObligations["smsGateway"] = [];
  for (const period of [...periods].sort()) {
    const summary = summarizeServiceLevels(contract, allTickets, period, now());
    for (const ticket of summary.tickets) tickets.set(ticket.ticketId, ticket);
    if (summary.smsGateway.faults > 0) smsGateway.push({ period, ...summary.smsGateway });
  }
  const described = new Map<string, string>();
  for (const cycle of await listCycles(contract.contractId)) {
    for (const breach of cycle.breaches ?? [])
      described.set(detectedId(cycle, breach.rule), breachDescription(cycle, breach));
  }
  for (const ticket of tickets.values()) {
    if (ticket.dueAt !== null)
      described.set(ticketBreachId(ticket.ticketId), ticketBreachWords(ticket, ticket.dueAt));
  }
  const register: BreachRegisterView = {
    ...stored,
    breaches: stored.breaches.map((b) => ({ ...b, description: described.get(b.breachId) ?? null })),
  };
  return {
    asOf,
    tickets: [...tickets.values()].sort((a, b) => a.openedAt.localeCompare(b.openedAt)),
    smsGateway,
    register,
    bankAccounts: bankAccounts(contract, asOf),
    // The stored document, not the record read "in force today": the contact it was signed with is a row too.
    contacts: contacts((await getContractDocument(contract.contractId)).contract, asOf),
    serviceChanges: serviceChanges(contract, asOf),
  };
}
