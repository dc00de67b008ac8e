/**
 * A party's written notice of a new bank account (R-BANK-1) or a new contact or address (2.13, 9.2, R-NOTICE-4), recorded by an
 * operator: the stored contract changes once (over the version it was read at), the change is audited with
 * the account masked, and every statement and email from then on reads the changed contract.
 */
import { now } from "../adapters/clock";
import { appendAuditEvent } from "../adapters/repository";
import { getContractDocument } from "../adapters/repository/contract-document";
import { maskAccount, maskEmail, maskPhone } from "../core/mask";
import {
  type BankAccount,
  type ContactDetails,
  PartyChangeError,
  type PartyKey,
  withBankChange,
  withContactChange,
} from "../core/party-changes";
import { type LocalDate, shanghaiDateOf } from "../core/time";
import { changeContract } from "./contract-change";
import { contractOrReject, OperationRejectedError } from "./operation-input";

const PARTY_WORDS: Record<PartyKey, string> = { partyA: "Party A", partyB: "Party B" };

function notAfterToday(day: LocalDate, field: string): void {
  if (day > shanghaiDateOf(now())) throw new OperationRejectedError(`${field} ${day} is in the future`);
}

/** R-BANK-1: a new account of `party`, in force from `notifiedOn` + 10 days (bankChangeNoticeDays). */
export async function recordBankChange(input: {
  contractId: string;
  party: PartyKey;
  account: Omit<BankAccount, "effectiveFrom">;
  notifiedOn: LocalDate;
}) {
  await contractOrReject(input.contractId);
  notAfterToday(input.notifiedOn, "--notified");
  const result = await changeContract(
    input.contractId,
    (contract) => withBankChange(contract, input.party, input.account, input.notifiedOn),
    [PartyChangeError],
  );
  const masked = maskAccount(result.account.accountNumber);
  if (result.changed) {
    await appendAuditEvent({
      contractId: input.contractId,
      who: "operator",
      what: `${PARTY_WORDS[input.party]} notified a new bank account ${masked} (${result.account.bank}) on ${input.notifiedOn}: in force from ${result.account.effectiveFrom}`,
      rule: "R-BANK-1",
    });
  }
  return {
    party: input.party,
    bank: result.account.bank,
    account: masked,
    notifiedOn: input.notifiedOn,
    effectiveFrom: result.account.effectiveFrom,
    changed: result.changed,
  };
}

/**
 * R-NOTICE-4 (9.2), 2.13: a new contact (person, phone, email) or address of `party`, in force 10 days after
 * the written notice (addressChangeNoticeDays); emails sent from then go to it. The audit event is keyed by
 * the change, so a retry after a crash between the two writes still records it once.
 */
export async function recordContactChange(input: {
  contractId: string;
  party: PartyKey;
  change: ContactDetails;
  notifiedOn: LocalDate;
}) {
  await contractOrReject(input.contractId);
  notAfterToday(input.notifiedOn, "--notified");
  const result = await changeContract(
    input.contractId,
    (contract) => withContactChange(contract, input.party, input.change, input.notifiedOn),
    [PartyChangeError],
  );
  const shown = {
    name: result.contact.name,
    phone: maskPhone(result.contact.phone),
    email: maskEmail(result.contact.email),
  };
  const stored = (await getContractDocument(input.contractId)).contract.parties[input.party].contactChanges;
  if (stored?.some((c) => c.notifiedOn === input.notifiedOn && c.effectiveFrom === result.effectiveFrom)) {
    await appendAuditEvent(
      {
        contractId: input.contractId,
        who: "operator",
        what: `${PARTY_WORDS[input.party]} notified a new contact on ${input.notifiedOn}: ${shown.name}, ${shown.phone}, ${shown.email} — emails go to it from ${result.effectiveFrom}`,
        rule: "R-NOTICE-4",
      },
      `contact-change#${input.party}#${result.effectiveFrom}`,
    );
  }
  return {
    party: input.party,
    notifiedOn: input.notifiedOn,
    effectiveFrom: result.effectiveFrom,
    contact: shown,
    ...(input.change.address === undefined ? {} : { address: input.change.address }),
    changed: result.changed,
  };
}
