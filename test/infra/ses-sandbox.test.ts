/**
 * The local SES in sandbox mode (`startLocalServices({ sesSandbox })`, `--ses-sandbox`): while an account is
 * in the SES sandbox, mail goes only to verified identities (an address, or any address of a verified
 * domain), and the sender must be verified too; otherwise SendEmail fails with MessageRejected ("Moving out
 * of the Amazon SES sandbox", SES developer guide:
 * https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html; error text as SES returns it:
 * "Email address is not verified. The following identities failed the check in region …").
 * Without the option any recipient is accepted, as with production access.
 */
import { SESClient, SendEmailCommand } from "@aws-sdk/client-ses";
import { afterEach, describe, expect, it } from "vitest";
import { getOutboxEmail, registerContract } from "../../functions/adapters/repository";
import { loadContract } from "../../functions/core/contract";
import { type EmbeddedApp, startEmbeddedApp } from "../../infra/local/app";
import { type LocalServices, startLocalServices } from "../../infra/local/services";
import { PARTY_B, SAMPLE_CONTRACT, startCycle, uploadSmallMonth } from "../e2e/harness";

let services: LocalServices | undefined;
let app: EmbeddedApp | undefined;
afterEach(async () => {
  await services?.stop();
  services = undefined;
  await app?.stop();
  app = undefined;
});

const send = (endpoint: string, source: string, to: string[]) =>
  new SESClient({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  }).send(
    new SendEmailCommand({
      Source: source,
      Destination: { ToAddresses: to },
      Message: { Subject: { Data: "账单" }, Body: { Text: { Data: "正文" } } },
    }),
  );

describe("SES sandbox on the embedded stack", () => {
  it("delivers to verified addresses and to any address of a verified domain", async () => {
    services = await startLocalServices({
      sesSandbox: { verifiedIdentities: ["contract-ops.localhost", "mali@partya.example"] },
    });
    await send(services.endpoints.ses, "billing@contract-ops.localhost", [
      "mali@partya.example",
      "ops@contract-ops.localhost",
    ]);
    const sent = await services.sentEmails();
    expect(sent.map((e) => e.to)).toEqual([["mali@partya.example", "ops@contract-ops.localhost"]]);
  });

  it("refuses an unverified recipient with MessageRejected naming it, and stores nothing", async () => {
    services = await startLocalServices({ sesSandbox: { verifiedIdentities: ["contract-ops.localhost"] } });
    const rejected = send(services.endpoints.ses, "billing@contract-ops.localhost", [
      "ops@contract-ops.localhost",
      "mali@partya.example",
    ]);
    await expect(rejected).rejects.toMatchObject({
      name: "MessageRejected",
      message: expect.stringContaining(
        "Email address is not verified. The following identities failed the check in region US-EAST-1: mali@partya.example",
      ),
      $metadata: { httpStatusCode: 400 },
    });
    expect(await services.sentEmails()).toEqual([]);
  });

  it("refuses an unverified sender", async () => {
    services = await startLocalServices({ sesSandbox: { verifiedIdentities: ["mali@partya.example"] } });
    await expect(
      send(services.endpoints.ses, "billing@contract-ops.localhost", ["mali@partya.example"]),
    ).rejects.toMatchObject({
      name: "MessageRejected",
      message: expect.stringContaining("billing@contract-ops.localhost"),
    });
  });

  it("without the sandbox option every recipient is accepted (production access)", async () => {
    services = await startLocalServices({});
    await send(services.endpoints.ses, "billing@contract-ops.localhost", ["anyone@elsewhere.example"]);
    expect((await services.sentEmails()).map((e) => e.to)).toEqual([["anyone@elsewhere.example"]]);
  });

  it("on the embedded app, a statement to an unverified Party A fails Send the bill with MessageRejected, as on AWS, and stays in the outbox with the reason", async () => {
    app = await startEmbeddedApp({
      start: new Date("2025-10-01T01:00:00+08:00"),
      schedule: false,
      sesSandbox: { verifiedIdentities: ["contract-ops.localhost", PARTY_B] },
    });
    const contract = await loadContract(SAMPLE_CONTRACT);
    await registerContract(contract);
    await uploadSmallMonth(contract, "2025-09");
    const executionArn = await startCycle(app, contract.contractId, "2025-09");
    await app.clock.runUntil(new Date("2025-10-01T02:00:00+08:00"));

    const statement = await getOutboxEmail(contract.contractId, "statement#2025-09");
    expect(statement?.state).toBe("pending");
    expect(statement?.lastError).toContain("Email address is not verified");
    expect(statement?.lastError).toContain("mali@partya.example");
    expect(await app.stack.sentEmails()).toEqual([]);
    // The bill's sending is its receipt (R-BILL-1): the cycle cannot go on without it (retries exhausted).
    await app.clock.runUntil(new Date("2025-10-02T02:00:00+08:00"));
    const described = await app.stepFunctions.describeExecution({ executionArn });
    expect(described).toMatchObject({ status: "FAILED", error: "MessageRejected" });
  });
});
