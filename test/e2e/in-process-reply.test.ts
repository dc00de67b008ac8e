/**
 * Party A's reply through the in-process mail path (ADR 0089), as `npm start` sends it: the fault plan still
 * acts on the inbound delivery it starts (ADR 0022: SES delivering one event twice), and the reply is handled
 * once (R-RECON-1) — one decision, one acknowledgement to Party A.
 */
import { afterEach, describe, expect, it } from "vitest";
import { now } from "../../functions/adapters/clock";
import { getCycle } from "../../functions/adapters/repository";
import { type EmbeddedApp, startEmbeddedApp } from "../../infra/local/app";
import { emailsTo, PARTY_A, sampleStatementSent } from "./harness";

const PERIOD = "2025-09";
let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe("a reply sent in-process", () => {
  it("R-RECON-1: is delivered twice by the fault plan and handled once, as over SMTP", async () => {
    app = await startEmbeddedApp({
      start: new Date("2025-10-01T01:00:00+08:00"),
      schedule: false,
      transport: "in-process",
      faults: { faults: [{ kind: "duplicate-inbound", delivery: 1 }] },
    });
    const { contract, statement } = await sampleStatementSent(app, PERIOD, "2025-10-09T10:00:00+08:00");
    const replyTo = statement.replyTo[0];
    if (!replyTo) throw new Error("the statement names no Reply-To");

    const mail = app.stack.mailTransport();
    try {
      await app.clock.track(
        mail.sendMail({
          from: `麻丽丽 <${PARTY_A}>`,
          to: replyTo,
          subject: `回复：${statement.subject}`,
          inReplyTo: statement.messageId,
          date: now(),
          text: "确认",
        }),
      );
      await app.clock.idle();
    } finally {
      mail.close();
    }

    expect(app.stack.faults?.injected.map((fault) => fault.kind)).toEqual(["duplicate-inbound"]);
    expect((await getCycle(contract.contractId, PERIOD)).reconciliation?.outcome).toBe("confirmed");
    const acknowledgements = (await emailsTo(app, PARTY_A)).filter((email) =>
      email.text?.includes("我们理解您的回复为"),
    );
    expect(acknowledgements).toHaveLength(1);
  });
});
