/**
 * inbound-reply reads the stored message with the lean GetObject client (ADR 0096): the fault plan (ADR 0022)
 * reaches those reads as it reached S3Client's. A handler that crashes before its first read, then times out
 * at its second (the whole message, after the head), is run a third time by Lambda's asynchronous retries
 * (Lambda Developer Guide, "Asynchronous invocation": two retries) and decides the reply once (R-RECON-1).
 */
import { afterEach, describe, expect, it } from "vitest";
import { auditHistory, getCycle } from "../../functions/adapters/repository";
import { type EmbeddedApp, startEmbeddedApp } from "../../infra/local/app";
import { emailsTo, PARTY_A, replyAsPartyA, runUntil, sampleStatementSent } from "./harness";

const PERIOD = "2025-09";
let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe("faults on inbound-reply's reads of the stored message", () => {
  it("R-RECON-1: a crash before the first GetObject and a timeout at the second are retried by Lambda; the reply is decided once", async () => {
    app = await startEmbeddedApp({
      start: new Date("2025-10-01T01:00:00+08:00"),
      schedule: false,
      faults: {
        faults: [
          {
            kind: "crash",
            function: "inbound-reply",
            invocation: 1,
            operation: "GetObject",
            call: 1,
            when: "before",
          },
          { kind: "timeout", function: "inbound-reply", invocation: 2, operation: "GetObject", call: 2 },
        ],
      },
    });
    const { contract, statement } = await sampleStatementSent(app, PERIOD, "2025-10-09T10:00:00+08:00");
    await replyAsPartyA(app, statement.replyTo[0] as string, "确认");
    // The retries come one and then two minutes after each failure.
    await runUntil(app, "2025-10-09T10:10:00+08:00");

    // `call` in a plan counts the invocation's GetObject calls; the report counts all of its SDK calls.
    const where = app.stack.faults?.injected.map((f) => f.where) ?? [];
    expect(where).toHaveLength(2);
    expect(where[0]).toMatch(/^inbound-reply invocation 1, crash before \(call \d+: GetObject\)$/);
    expect(where[1]).toMatch(/^inbound-reply invocation 2, timeout \(call \d+: GetObject\)$/);
    expect((await getCycle(contract.contractId, PERIOD)).reconciliation?.outcome).toBe("confirmed");
    const decided = (await auditHistory(contract.contractId)).filter((e) =>
      e.what.startsWith("reconciliation reply:"),
    );
    expect(decided).toHaveLength(1);
    expect((await emailsTo(app, PARTY_A)).filter((e) => e.text?.includes("我们理解您的回复为"))).toHaveLength(
      1,
    );
  });
});
