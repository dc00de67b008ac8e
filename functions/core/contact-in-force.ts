/**
 * R-NOTICE-4 (9.2, 9.4; 2.13): the contract as it reads on a day — each party's notified contact and address
 * in force by then. A module of its own (types only from the contract) so that every reader of a contract
 * record can apply it without bundling the rules that record a change (party-changes.ts).
 */
import type { Contract } from "./contract";
import type { LocalDate } from "./time";

type Party = Contract["parties"]["partyA"];

/** R-NOTICE-4: the party as it reads on `day`: the latest notified contact and address in force by then. */
export function partyInForceOn(party: Party, day: LocalDate): Party {
  const latest = (party.contactChanges ?? []).filter((c) => c.effectiveFrom <= day).at(-1);
  return latest
    ? { ...party, contact: latest.contact, address: latest.address, postcode: latest.postcode }
    : party;
}

/**
 * R-NOTICE-4: the contract as it reads on `day` — each party's contact and address in force then. Every
 * email reads the contract through this on its sending day, so it goes to the contact in force that day.
 */
export function contractInForceOn(contract: Contract, day: LocalDate): Contract {
  const { partyA, partyB } = contract.parties;
  if (!partyA.contactChanges && !partyB.contactChanges) return contract;
  return {
    ...contract,
    parties: { partyA: partyInForceOn(partyA, day), partyB: partyInForceOn(partyB, day) },
  };
}
