/**
 * RenewalWatch steps retried after a crash between their writes (R-TERM-2, R-END-1): the term's
 * outcome was recorded but the contract record was not yet changed. A retry (Lambda retry, Step
 * Functions Retry or a redrive) must finish the job: the contract moves to the next term or ends, with
 * one audit event and one email per step, however often the step runs.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  appendAuditEvent,
  auditHistory,
  getContract,
  listContracts,
  setTermOutcome,
} from "../../functions/adapters/repository";
import {
  endContractAtTermEnd,
  planRenewalWatch,
  renewTerm,
  sendRenewalReminder,
} from "../../functions/app/renewal-watch";
import type { EmbeddedApp } from "../../infra/local/app";
import { bootApp, emailsTo, PARTY_A } from "./harness";

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function termOneWatched() {
  const booted = await bootApp("2026-07-15T00:00:00+08:00");
  app = booted.app;
  const { contractId } = booted.contract;
  await planRenewalWatch({ contractId, term: 1 });
  return { app: booted.app, contractId };
}

const eventsFor = async (contractId: string, rule: string) =>
  (await auditHistory(contractId)).filter((event) => event.rule === rule);

describe("RenewalWatch steps after a crash between their writes", () => {
  it("R-TERM-2: renew-term retried after the outcome was written moves the contract to term 2, once", async () => {
    const { app, contractId } = await termOneWatched();
    // The first attempt recorded the outcome, then crashed before the contract record changed.
    await setTermOutcome(contractId, 1, "renewed");
    expect((await getContract(contractId)).term).toBe(1);

    await renewTerm({ contractId, term: 1 });
    await renewTerm({ contractId, term: 1 });

    expect((await getContract(contractId)).term).toBe(2);
    expect(await eventsFor(contractId, "R-TERM-2")).toHaveLength(1);
    const confirmations = (await emailsTo(app, PARTY_A)).filter((e) => e.subject.includes("续"));
    expect(confirmations).toHaveLength(1);
  });

  it("R-END-1: end-contract retried after the outcome was written ends the contract, once", async () => {
    const { app, contractId } = await termOneWatched();
    await setTermOutcome(contractId, 1, "ended");

    await endContractAtTermEnd({ contractId, term: 1 });
    await endContractAtTermEnd({ contractId, term: 1 });

    const record = await getContract(contractId);
    expect(record.status).toBe("ended");
    // Term 1 of the sample contract ends 2026-07-14 (R-TERM-4, worked out in renewal-watch.test.ts).
    expect(record.endedOn).toBe("2026-07-14");
    expect((await listContracts("active")).map((c) => c.contractId)).not.toContain(contractId);
    expect(await eventsFor(contractId, "R-END-1")).toHaveLength(1);
    expect(await emailsTo(app, PARTY_A)).toHaveLength(1);
  });

  it("R-TERM-2: a renewal never overrides an ended term (the two outcomes exclude each other)", async () => {
    const { contractId } = await termOneWatched();
    await endContractAtTermEnd({ contractId, term: 1 });
    await expect(renewTerm({ contractId, term: 1 })).rejects.toThrow(/ended/);
    expect((await getContract(contractId)).term).toBe(1);
  });

  it("R-NOTICE-3: the renewal reminder run twice records one audit event and sends one email", async () => {
    const { app, contractId } = await termOneWatched();
    await sendRenewalReminder({ contractId, term: 1 });
    await sendRenewalReminder({ contractId, term: 1 });
    expect(await eventsFor(contractId, "R-NOTICE-3")).toHaveLength(1);
    expect(await emailsTo(app, PARTY_A)).toHaveLength(1);
  });

  it("one audit event per step when the step runs concurrently (the step key is the event key)", async () => {
    const { contractId } = await termOneWatched();
    const event = { contractId, who: "system" as const, what: "reminder", rule: "R-NOTICE-3" };
    await Promise.all([1, 2, 3, 4].map(() => appendAuditEvent(event, "renewal-reminder#1")));
    expect(await eventsFor(contractId, "R-NOTICE-3")).toHaveLength(1);
  });
});
