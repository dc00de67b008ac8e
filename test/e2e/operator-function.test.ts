/**
 * ADR 0038: `ops` writes run in the operator function, for the caller its AWS_IAM function URL names. The
 * oracle for the event is the request payload of the Lambda developer guide ("Invoking Lambda function
 * URLs", test/fixtures/function-url/iam-request.json): its `requestContext.authorizer.iam.userArn` is the
 * identity the audit entry must carry. The bill is the harness's hand-computed small month, 4000.30, sent
 * 2025-10-01; one stack serves the handler checks, the CLI run through the local URL, and the refusals.
 */
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditHistory, ledgerEntries, registerContract } from "../../functions/adapters/repository";
import { signPost } from "../../functions/adapters/sigv4";
import { loadContract } from "../../functions/core/contract";
import { handler } from "../../functions/operator-command/handler";
import { type EmbeddedApp, startEmbeddedApp } from "../../infra/local/app";
import { tsx } from "../tsx-cli";
import { runUntil, SAMPLE_CONTRACT, startCycle, uploadSmallMonth } from "./harness";

const period = "2025-09";
const SAMPLE_CALLER = "arn:aws:iam::111122223333:user/example-user";
const sample = JSON.parse(
  readFileSync(new URL("../fixtures/function-url/iam-request.json", import.meta.url), "utf8"),
) as Record<string, unknown> & { requestContext: Record<string, unknown> };

let app: EmbeddedApp;
let contractId: string;
/** The function URL events the operator function received from the local URL. */
const operatorEvents: unknown[] = [];

const context = {
  functionName: "ContractOps-operator-command",
  awsRequestId: "operator-function-test",
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Parameters<typeof handler>[1];

function event(body: unknown, changes: Record<string, unknown> = {}) {
  return {
    ...sample,
    body: JSON.stringify(body),
    ...changes,
  };
}

async function invoke(body: unknown, changes: Record<string, unknown> = {}) {
  const response = (await handler(event(body, changes), context)) as {
    statusCode: number;
    body: string;
  };
  return { statusCode: response.statusCode, body: JSON.parse(response.body) };
}

/** Everything a refused request could have changed. */
async function written() {
  return {
    audit: (await auditHistory(contractId)).length,
    ledger: (await ledgerEntries(contractId)).length,
  };
}

beforeAll(async () => {
  app = await startEmbeddedApp({
    start: new Date("2025-10-01T01:00:00+08:00"),
    schedule: false,
    wrapLambda: (invokeLambda) => async (functionArn, payload, lambdaContext) => {
      if (functionArn.endsWith(":function:ContractOps-operator-command")) operatorEvents.push(payload);
      return invokeLambda(functionArn, payload, lambdaContext);
    },
  });
  const contract = await loadContract(SAMPLE_CONTRACT);
  await registerContract(contract);
  contractId = contract.contractId;
  await uploadSmallMonth(contract, period);
  await startCycle(app, contractId, period);
  await runUntil(app, "2025-10-02T10:00:00+08:00");
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

describe("ADR 0038: the operator function", () => {
  it("records a payment for the caller the function URL names: who is the caller's ARN from the AWS sample event", async () => {
    const { statusCode, body } = await invoke({
      command: "record-payment",
      input: { contractId, period, amount: "1000.00", date: "2025-10-02" },
    });
    expect(statusCode).toBe(200);
    // 4000.30 − 1000.00 = 3000.30 still owed (R-PAY-2 goes on).
    expect(body).toMatchObject({
      command: "record-payment",
      operator: SAMPLE_CALLER,
      result: { entry: "2025-09#payment#001", amount: "1000.00", outstanding: "3000.30" },
    });
    const entry = (await auditHistory(contractId)).find((e) => e.who === "operator");
    expect(entry).toMatchObject({ operator: SAMPLE_CALLER, rule: "R-PAY-2" });
    expect(entry?.what).toContain("2025-09#payment#001");
  });

  it("refuses, with 4xx and one line, a request without an IAM caller, an unknown command and an invalid input; nothing is written", async () => {
    const before = await written();
    const payment = {
      command: "record-payment",
      input: { contractId, period, amount: "5.00", date: "2025-10-02" },
    };
    const unauthenticated = await invoke(payment, {
      requestContext: { ...sample.requestContext, authorizer: null },
    });
    expect(unauthenticated.statusCode).toBe(403);
    expect(unauthenticated.body.error).toEqual({
      code: "no-iam-caller",
      message: "no IAM caller in the request: the function URL must use AWS_IAM auth",
    });
    const unknown = await invoke({ command: "rewrite-audit", input: { contractId } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body.error.code).toBe("unknown-command");
    expect(unknown.body.error.message).toMatch(
      /^unknown command "rewrite-audit": expected one of record-payment, /,
    );
    const invalid = await invoke({
      command: "record-payment",
      input: { contractId, period, amount: 5, date: "2025-10-02" },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body.error.code).toBe("invalid-input");
    expect(invalid.body.error.message).toMatch(/^record-payment: input\.amount: /);
    const notJson = await invoke("{", { body: "{" });
    expect(notJson.statusCode).toBe(400);
    const get = await invoke(payment, {
      requestContext: { ...sample.requestContext, http: { method: "GET", path: "/" } },
    });
    expect(get.statusCode).toBe(405);
    for (const refused of [unauthenticated, unknown, invalid, notJson, get])
      expect(refused.body.error.message).not.toContain("\n");
    expect(await written()).toEqual(before);
  });

  it("a refusal the operator can fix (the application's own check) is 422 with its one line, nothing written", async () => {
    const before = await written();
    const { statusCode, body } = await invoke({
      command: "record-payment",
      input: { contractId, period, amount: "-1.00", date: "2025-10-02" },
    });
    expect(statusCode).toBe(422);
    expect(body.error).toEqual({ code: "rejected", message: '--amount must be more than 0.00, got "-1.00"' });
    expect(await written()).toEqual(before);
  });

  it("npm run ops on the embedded stack writes through the local function URL, signed, as the OS user", async () => {
    const seen = operatorEvents.length;
    const { stdout } = await tsx(
      [
        "bin/ops.ts",
        "record-payment",
        "--contract",
        contractId,
        "--period",
        period,
        "--amount",
        "3000.30",
        "--date",
        "2025-10-02",
        "--json",
      ],
      { env: { ...process.env, ...app.stack.env } },
    );
    // 1000.00 + 3000.30 = 4000.30: the bill is paid in full.
    expect(JSON.parse(stdout)).toMatchObject({ entry: "2025-09#payment#002", outstanding: "0.00" });
    const caller = `local:${userInfo().username}`;
    expect(operatorEvents.slice(seen)).toEqual([
      expect.objectContaining({
        requestContext: expect.objectContaining({
          authorizer: { iam: expect.objectContaining({ userArn: caller }) },
        }),
      }),
    ]);
    const entries = (await auditHistory(contractId)).filter((e) => e.who === "operator");
    expect(entries.at(-1)).toMatchObject({ operator: caller, rule: "R-PAY-1" });
  }, 60_000);

  it("the local URL refuses an unsigned or wrongly signed request with 403, as Lambda does, and invokes nothing", async () => {
    const seen = operatorEvents.length;
    const before = await written();
    const url = new URL(app.stack.env.CONTRACT_OPS_OPERATOR_URL as string);
    const body = JSON.stringify({
      command: "record-payment",
      input: { contractId, period, amount: "1.00", date: "2025-10-02" },
    });
    const unsigned = await fetch(url, {
      method: "POST",
      body,
      headers: { "content-type": "application/json" },
    });
    expect(unsigned.status).toBe(403);
    const { host: _host, ...forged } = await signPost(
      { url, body, headers: { "content-type": "application/json" } },
      { region: "cn-north-1", credentials: { accessKeyId: "S3RVER", secretAccessKey: "not-the-secret" } },
    );
    const wrong = await fetch(url, { method: "POST", body, headers: forged });
    expect(wrong.status).toBe(403);
    expect(operatorEvents.length).toBe(seen);
    expect(await written()).toEqual(before);
  });
});
