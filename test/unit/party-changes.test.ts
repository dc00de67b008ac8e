/**
 * R-BANK-1 (4.9 "应提前10日以书面形式通知另一方") and the contact of 2.13/9.2 as pure changes of the contract.
 * Oracles: the sample contract's accounts (4.9) and hand counts of calendar days.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { contractInForceOn } from "../../functions/core/contact-in-force";
import { ContractInvalidError, parseContract } from "../../functions/core/contract";
import {
  accountInForce,
  checkPaymentAccount,
  PartyChangeError,
  withBankChange,
  withContactChange,
} from "../../functions/core/party-changes";

const sample = parseContract(
  JSON.parse(readFileSync(new URL("../../contracts/11NA0700211920254001.json", import.meta.url), "utf8")),
);
const oldAccount = "431901341210999"; // 4.9: 招商银行股份有限公司南湖大路支行
const newAccount = {
  accountName: "中国移动通信集团吉林有限公司",
  bank: "中国工商银行长春分行",
  accountNumber: "4200221229000999999",
};

describe("R-BANK-1: a new account is used from 10 calendar days after the written notice", () => {
  const changed = withBankChange(sample, "partyB", newAccount, "2025-10-22");

  it("notice 2025-10-22 → in force from 2025-11-01; the old account up to 10-31", () => {
    expect(changed.account.effectiveFrom).toBe("2025-11-01");
    const accounts = changed.contract.parties.partyB.bankAccounts;
    expect(accountInForce(accounts, "2025-10-31")?.accountNumber).toBe(oldAccount);
    expect(accountInForce(accounts, "2025-11-01")?.accountNumber).toBe(newAccount.accountNumber);
  });

  it("a payment into the new account before it is in force is flagged; into the old one it is not", () => {
    expect(checkPaymentAccount(changed.contract, "2025-10-25", newAccount.accountNumber).matches).toBe(false);
    expect(checkPaymentAccount(changed.contract, "2025-10-25", oldAccount).matches).toBe(true);
    expect(checkPaymentAccount(changed.contract, "2025-11-03", oldAccount).matches).toBe(false);
  });

  it("the same notice again changes nothing; another account from the same day is refused", () => {
    expect(withBankChange(changed.contract, "partyB", newAccount, "2025-10-22").changed).toBe(false);
    expect(() =>
      withBankChange(
        changed.contract,
        "partyB",
        { ...newAccount, accountNumber: "12345678901" },
        "2025-10-22",
      ),
    ).toThrow(PartyChangeError);
  });

  it("the changed contract is checked: a 5-digit account number is refused by the schema", () => {
    expect(() =>
      withBankChange(sample, "partyA", { ...newAccount, accountNumber: "12345" }, "2025-10-22"),
    ).toThrow(ContractInvalidError);
  });
});

describe("R-NOTICE-4: a new contact or address is in force 10 days after its written notice (9.2)", () => {
  // 9.2 "如双方中任何一方的地址有变更时，须在变更前10日以书面形式通知对方": notified 2025-10-22 → 11-01.
  const changed = withContactChange(sample, "partyA", { email: "new.contact@partya.example" }, "2025-10-22");

  it("R-NOTICE-4: the old email up to 10-31, the new one from 11-01; the rest of the contact stays", () => {
    expect(changed.effectiveFrom).toBe("2025-11-01");
    expect(contractInForceOn(changed.contract, "2025-10-31").parties.partyA.contact).toEqual(
      sample.parties.partyA.contact,
    );
    expect(contractInForceOn(changed.contract, "2025-11-01").parties.partyA.contact).toEqual({
      ...sample.parties.partyA.contact,
      email: "new.contact@partya.example",
    });
  });

  it("R-NOTICE-4: a new address (9.4) with its postcode, and a second change building on the first", () => {
    const moved = withContactChange(
      changed.contract,
      "partyA",
      { address: "长春市南关区人民大街1号", postcode: "130041" },
      "2025-11-05",
    );
    expect(moved.effectiveFrom).toBe("2025-11-15");
    const party = contractInForceOn(moved.contract, "2025-11-15").parties.partyA;
    expect([party.address, party.postcode, party.contact.email]).toEqual([
      "长春市南关区人民大街1号",
      "130041",
      "new.contact@partya.example",
    ]);
    expect(contractInForceOn(moved.contract, "2025-11-14").parties.partyA.address).toBe(
      sample.parties.partyA.address,
    );
  });

  it("R-NOTICE-4: the same notice again is no change; another change for the same day, or before a later one, is refused; a malformed email too", () => {
    expect(
      withContactChange(changed.contract, "partyA", { email: "new.contact@partya.example" }, "2025-10-22")
        .changed,
    ).toBe(false);
    expect(() =>
      withContactChange(changed.contract, "partyA", { email: "other@partya.example" }, "2025-10-22"),
    ).toThrow(PartyChangeError);
    expect(() =>
      withContactChange(changed.contract, "partyA", { email: "other@partya.example" }, "2025-10-20"),
    ).toThrow(PartyChangeError);
    expect(() => withContactChange(sample, "partyB", { email: "not-an-address" }, "2025-10-22")).toThrow(
      ContractInvalidError,
    );
  });
});
