/** The two parties of a contract file (合同双方): names, tax IDs, addresses, contacts and bank accounts. */
import * as z from "zod";
import { digits, localDate, nonEmpty } from "./fields";

const bankAccount = z.strictObject({
  accountName: nonEmpty,
  bank: nonEmpty,
  bankCode: digits("bank code", 12, 12).optional(),
  accountNumber: digits("account number", 8, 32),
  /** R-BANK-1: the day from which statements show this account. */
  effectiveFrom: localDate,
});

const contact = z.strictObject({
  name: nonEmpty,
  phone: digits("phone", 5, 15),
  email: z.email(),
});

/**
 * R-NOTICE-4 (9.2): a party's notified new contact and address (9.4), whole, in force from `effectiveFrom`
 * (10 days after the written notice); the party's own `contact`/`address` are what the contract was signed with.
 */
const contactChange = z.strictObject({
  notifiedOn: localDate,
  effectiveFrom: localDate,
  contact,
  address: nonEmpty,
  postcode: digits("postcode", 6, 6),
});

export const party = z.strictObject({
  name: nonEmpty,
  taxId: z.string().regex(/^[0-9A-Z]{18}$/, "unified social credit code: 18 characters, digits or A–Z"),
  address: nonEmpty,
  postcode: digits("postcode", 6, 6),
  city: nonEmpty,
  contact,
  bankAccounts: z.array(bankAccount).min(1, "at least one bank account (R-BANK-1)"),
  /** R-NOTICE-4: notified changes of contact and address, oldest first. */
  contactChanges: z.array(contactChange).optional(),
});
