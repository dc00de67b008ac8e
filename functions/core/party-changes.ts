/**
 * Changes of a party's details during the contract: its bank account (4.9, R-BANK-1) and its contact
 * (2.13, 9.2). Each returns the contract as it reads after the change, checked against the contract schema,
 * so the stored contract is the one place every email and statement reads them from.
 *
 * - R-BANK-1: "任何一方如需变更上述账户，应提前10日以书面形式通知另一方": the new account is used from 10 calendar
 *   days (R-WD-4) after the written notice; until then the old one stays in force, and a statement shows the
 *   account in force on its date.
 * - Contact and address (2.13 designated contact, 9.2, 9.4; R-NOTICE-4): the contract says a change is
 *   notified in writing 10 days before it takes effect, so it is in force 10 days after the notice; emails go
 *   to the new contact from then.
 */

import { partyInForceOn } from "./contact-in-force";
import { type Contract, parseContract } from "./contract";
import { bankAccountEffective } from "./deadlines";
import { addDays, type LocalDate } from "./time";

export type PartyKey = "partyA" | "partyB";
export type BankAccount = Contract["parties"]["partyA"]["bankAccounts"][number];
export type Contact = Contract["parties"]["partyA"]["contact"];

export class PartyChangeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PartyChangeError";
  }
}

/** R-BANK-1: the account in force on a day is the one with the latest `effectiveFrom` not after it. */
export function accountInForce(accounts: readonly BankAccount[], day: LocalDate): BankAccount | undefined {
  return accounts
    .filter((account) => account.effectiveFrom <= day)
    .reduce<BankAccount | undefined>(
      (latest, account) =>
        latest === undefined || account.effectiveFrom > latest.effectiveFrom ? account : latest,
      undefined,
    );
}

/**
 * R-BANK-1: the contract after a written notice of a new account, received on `notifiedOn`. The same
 * account with the same notice again is no change (a retried command); another account taking effect the
 * same day is refused.
 */
export function withBankChange(
  contract: Contract,
  party: PartyKey,
  account: Omit<BankAccount, "effectiveFrom">,
  notifiedOn: LocalDate,
): { contract: Contract; account: BankAccount; changed: boolean } {
  const effectiveFrom = bankAccountEffective(notifiedOn, {
    bankChangeNoticeDays: contract.rules.bankChangeNoticeDays.value,
  }).date;
  const added: BankAccount = { ...account, effectiveFrom };
  const accounts = contract.parties[party].bankAccounts;
  const sameDay = accounts.find((a) => a.effectiveFrom === effectiveFrom);
  if (sameDay) {
    if (sameDay.accountNumber === added.accountNumber && sameDay.bank === added.bank)
      return { contract, account: sameDay, changed: false };
    throw new PartyChangeError(
      `another account of ${party} already takes effect on ${effectiveFrom} (R-BANK-1)`,
    );
  }
  const next = {
    ...contract,
    parties: {
      ...contract.parties,
      [party]: { ...contract.parties[party], bankAccounts: [...accounts, added] },
    },
  };
  return {
    contract: parseContract(next, `${contract.contractId} after a bank account change`),
    account: added,
    changed: true,
  };
}

export interface PaymentAccountCheck {
  /** The account of Party B in force on the payment's day. */
  inForce: BankAccount | undefined;
  /** False when Party A paid into another account (R-BANK-1: a flag for people, never a refusal). */
  matches: boolean;
}

/** R-BANK-1: was a payment made into Party B's account in force on its day? */
export function checkPaymentAccount(
  contract: Contract,
  paidOn: LocalDate,
  accountNumber: string,
): PaymentAccountCheck {
  const inForce = accountInForce(contract.parties.partyB.bankAccounts, paidOn);
  return { inForce, matches: inForce?.accountNumber === accountNumber };
}

export type ContactChange = NonNullable<Contract["parties"]["partyA"]["contactChanges"]>[number];
/** What a contact change may change: the designated contact (2.13) and the address for notices (9.4). */
export type ContactDetails = Partial<Contact & Pick<ContactChange, "address" | "postcode">>;

/**
 * R-NOTICE-4 (9.2 "须在变更前10日以书面形式通知对方"; 2.13 the designated contact): a party's new contact or
 * address, notified in writing on `notifiedOn`, in force `addressChangeNoticeDays` (10) calendar days later
 * (R-WD-4). The same notice again is no change (a retried command); another change for the same day, or
 * one taking effect before a change already recorded, is refused.
 */
export function withContactChange(
  contract: Contract,
  party: PartyKey,
  change: ContactDetails,
  notifiedOn: LocalDate,
): { contract: Contract; contact: Contact; effectiveFrom: LocalDate; changed: boolean } {
  const effectiveFrom = addDays(notifiedOn, contract.rules.addressChangeNoticeDays.value);
  const before = partyInForceOn(contract.parties[party], effectiveFrom);
  const { address = before.address, postcode = before.postcode, ...contactChange } = change;
  const version: ContactChange = {
    notifiedOn,
    effectiveFrom,
    contact: { ...before.contact, ...contactChange },
    address,
    postcode,
  };
  const recorded = contract.parties[party].contactChanges ?? [];
  const sameDetails = (a: Pick<ContactChange, "contact" | "address" | "postcode">) =>
    a.address === version.address &&
    a.postcode === version.postcode &&
    (Object.keys(version.contact) as (keyof Contact)[]).every(
      (key) => a.contact[key] === version.contact[key],
    );
  const retried = recorded.some((c) => c.notifiedOn === notifiedOn && sameDetails(c));
  if (retried || sameDetails(before))
    return { contract, contact: version.contact, effectiveFrom, changed: false };
  const clash = recorded.find((c) => c.effectiveFrom >= effectiveFrom);
  if (clash)
    throw new PartyChangeError(
      `a change of ${party}'s contact in force from ${clash.effectiveFrom} is already recorded: a new one must take effect after it (R-NOTICE-4)`,
    );
  const next = {
    ...contract,
    parties: {
      ...contract.parties,
      [party]: { ...contract.parties[party], contactChanges: [...recorded, version] },
    },
  };
  return {
    contract: parseContract(next, `${contract.contractId} after a contact change`),
    contact: version.contact,
    effectiveFrom,
    changed: true,
  };
}
