/**
 * View models of the outbound emails. They are deliberately flat and made of strings so the renderers
 * depend on no other module: whoever sends an email maps its domain objects onto these.
 *
 * Conventions for every field below:
 * - amounts are decimal strings in yuan with exactly 2 decimals, optionally negative: `"4218.36"`, `"-120.00"`
 *   (PROVISION.exactAmounts: money never passes through a float, not even for display);
 * - dates are Asia/Shanghai calendar days `YYYY-MM-DD`; periods are `YYYY-MM` (PROVISION.billingPeriod);
 * - instants are ISO-8601 with an explicit offset, normally `+08:00`: `2025-10-21T23:59:59+08:00`;
 * - percentages are decimal strings without the sign: `"5"`, `"6.25"`.
 */

/** What every email says about the contract it is about. */
export interface ContractView {
  contractId: string;
  title: string;
  /** 甲方 (buyer) — receives statements, pays. */
  partyAName: string;
  /** 乙方 (provider) — runs this system, sends the emails. */
  partyBName: string;
  partyAContactName: string;
  partyBContactName: string;
  partyBContactEmail: string;
  partyBContactPhone: string;
}

/** Every renderer returns the three parts a mailer needs; headers (To, Reply-To) are the mailer's. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * A deadline counted in working days (PROVISION.workingDayDeadline): it ends at 23:59:59 Asia/Shanghai of its last day.
 * `provisional` is true when that day came from a provisional calendar (PROVISION.provisionalCalendar).
 */
export interface DeadlineView {
  /** The rule that sets the deadline, e.g. `PROVISION.reconciliation`. */
  ruleId: string;
  /** N of "within N working days", as the contract in force says. */
  workingDays: number;
  /** The instant the deadline ends, e.g. `2025-10-21T23:59:59+08:00`. */
  dueAt: string;
  provisional: boolean;
}

/** A bank account as 4.9 of the contract lists it. */
export interface BankAccountView {
  accountName: string;
  bank: string;
  /** 银行行号, when the contract gives one. */
  bankCode?: string;
  accountNumber: string;
  /** The first day the account is used on statements (PROVISION.bankDetails). */
  effectiveFrom: string;
}

/** An address for written notices, as 9.4 of the contract lists it. */
export interface NoticeAddressView {
  name: string;
  address: string;
  postcode: string;
  contactName: string;
  phone: string;
  /** The contract writes `/` when a party has no fax; pass null then. */
  fax: string | null;
}

export type PartyRole = "partyA" | "partyB";
