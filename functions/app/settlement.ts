/**
 * The settlement document (结算单, R-END-1, R-RECON-4; ADR 0011): when the contract's last period closes,
 * everything still open in the ledger is settled both ways (多退少补) in one amount, recorded as a
 * ledger entry once and emailed to both contacts.
 */
import { now } from "../adapters/clock";
import { sendEmail } from "../adapters/mailer";
import { appendAuditEvent, getLedgerEntry, ledgerEntries, putLedgerEntry } from "../adapters/repository";
import type { Contract } from "../core/contract";
import { settlementOf } from "../core/ledger";
import { formatFen } from "../core/money";
import { formatInstant } from "../core/time";
import * as emails from "./email-views";

export interface SettlementView {
  amount: string;
  direction: "refund" | "collect" | "none";
  sentAt: string;
}

export async function settleContract(contract: Contract, lastPeriod: string): Promise<SettlementView> {
  const { contractId } = contract;
  const entryId = `${lastPeriod}#settlement`;
  const figures = settlementOf(await ledgerEntries(contractId));
  const signedFen = figures.direction === "refund" ? -figures.amountFen : figures.amountFen;
  const at = formatInstant(now());
  await putLedgerEntry(contractId, {
    entryId,
    period: lastPeriod,
    kind: "settlement",
    amountFen: signedFen,
    at,
    recordedAt: at,
    who: "system",
    reason: "R-END-1: 多退少补",
  });
  // A retry finds the entry written by the first run and settles that amount, not what is left after it.
  const settled = (await getLedgerEntry(contractId, entryId)) ?? { amountFen: signedFen, at };
  const amountFen = settled.amountFen < 0n ? -settled.amountFen : settled.amountFen;
  const direction = settled.amountFen > 0n ? "collect" : settled.amountFen < 0n ? "refund" : "none";
  const amount = formatFen(amountFen);
  await appendAuditEvent(
    {
      contractId,
      period: lastPeriod,
      who: "system",
      what: `settlement document: ${direction === "none" ? "nothing to settle" : `${direction} ${amount}`}`,
      rule: "R-END-1",
      details: { direction, amount },
    },
    `settlement#${lastPeriod}`,
  );
  await sendEmail({
    contractId,
    emailKey: `settlement#${lastPeriod}`,
    to: [contract.parties.partyA.contact.email, contract.parties.partyB.contact.email],
    ...emails.settlement(contract, lastPeriod, { ...figures, amountFen }, direction),
  });
  return { amount, direction, sentAt: settled.at };
}
