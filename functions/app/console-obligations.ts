/**
 * The obligation registers as the console's contract page shows them: service-level tickets with their
 * deadlines and outcome (R-SLA-1, R-SLA-2), the breach register with cure deadlines, outcome and Party B's
 * liability cap as of today (R-BREACH-1, R-LIAB-1, R-FM-1), and the parties' changes with the day each took
 * effect (R-BANK-1; contacts on notice, 2.13, 9.2). Read-only, through the same functions `npm run ops`
 * reports with, so the page and the CLI cannot disagree.
 */
import { listTickets } from "../adapters/repository/tickets";
import type { Contract } from "../core/contract";
import { maskAccount, maskEmail, maskPhone } from "../core/mask";
import { accountInForce, type PartyKey } from "../core/party-changes";
import { type LocalDate, type Period, periodOf, shanghaiDateOf } from "../core/time";
import { breachRegister } from "./breach-register";
import { serviceLevelSummary } from "./tickets";

type Summary = Awaited<ReturnType<typeof serviceLevelSummary>>;
export type TicketRow = Summary["tickets"][number];
export type BreachRegisterView = Awaited<ReturnType<typeof breachRegister>>;

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
}

export interface ContractObligations {
  asOf: LocalDate;
  tickets: TicketRow[];
  /** Per month with an SMS-gateway fault closed in it: the average repair time against 6 hours (3.18). */
  smsGateway: Array<{ period: Period } & Summary["smsGateway"]>;
  register: BreachRegisterView;
  bankAccounts: BankAccountRow[];
  contacts: ContactRow[];
}

const PARTIES: readonly PartyKey[] = ["partyA", "partyB"];

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

export async function contractObligations(contract: Contract, at: Date): Promise<ContractObligations> {
  const asOf = shanghaiDateOf(at);
  const register = await breachRegister({ contractId: contract.contractId, asOf });
  // A ticket shows in the month it opened and in the month it closed; the later reading is the current one.
  const periods = new Set<Period>();
  for (const ticket of await listTickets(contract.contractId)) {
    for (const instant of [ticket.openedAt, ticket.closedAt]) {
      if (instant) periods.add(periodOf(shanghaiDateOf(new Date(instant))));
    }
  }
  const tickets = new Map<string, TicketRow>();
  const smsGateway: ContractObligations["smsGateway"] = [];
  for (const period of [...periods].sort()) {
    const summary = await serviceLevelSummary({ contractId: contract.contractId, period });
    for (const ticket of summary.tickets) tickets.set(ticket.ticketId, ticket);
    if (summary.smsGateway.faults > 0) smsGateway.push({ period, ...summary.smsGateway });
  }
  return {
    asOf,
    tickets: [...tickets.values()].sort((a, b) => a.openedAt.localeCompare(b.openedAt)),
    smsGateway,
    register,
    bankAccounts: bankAccounts(contract, asOf),
    contacts: PARTIES.map((party) => {
      const { name, phone, email } = contract.parties[party].contact;
      return { party, name, phone: maskPhone(phone), email: maskEmail(email) };
    }),
  };
}
