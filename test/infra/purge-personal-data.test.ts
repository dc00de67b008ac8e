/**
 * R-RETAIN-1 / ADR 0033: one command deletes a contract's personal data on request — the usage files, the
 * only place that holds citizens' phone numbers and SMS content — through a given period, and records
 * who did it. Later periods stay. The command goes through the personal-data function's URL (ADR 0083, in
 * the request format of ADR 0038), served here by the same stand-in the embedded stack uses, invoking the
 * handler in this process.
 */
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsConfig, resetAwsClients, s3Client } from "../../functions/adapters/aws-config";
import { auditHistory } from "../../functions/adapters/repository";
import { putUsage } from "../../functions/adapters/usage-store";
import { handler as purgePersonalData } from "../../functions/purge-personal-data/handler";
import { type OperatorUrl, startOperatorUrl } from "../../infra/local/operator-url";
import { type LocalServices, startLocalServices } from "../../infra/local/services";
import { tsxExit } from "../tsx-cli";

let services: LocalServices;
let personalDataUrl: OperatorUrl;
const savedEnv = { ...process.env };
const ID = "PURGE-TEST";

beforeAll(async () => {
  services = await startLocalServices({ ports: { dynamodb: 0, s3: 0, ses: 0, smtp: 0 } });
  Object.assign(process.env, services.env);
  resetAwsClients();
  personalDataUrl = await startOperatorUrl({
    port: 0,
    functionArn: "arn:aws:lambda:cn-north-1:000000000000:function:ContractOps-purge-personal-data",
    functionName: "ContractOps-purge-personal-data",
    invoke: (_arn, event, context) =>
      purgePersonalData(event, {
        functionName: context.functionName,
        awsRequestId: context.awsRequestId,
        getRemainingTimeInMillis: () => 30_000,
      } as unknown as Parameters<typeof purgePersonalData>[1]),
  });
});

afterAll(async () => {
  resetAwsClients();
  process.env = savedEnv;
  await personalDataUrl.stop();
  await services.stop();
});

async function usageKeys(): Promise<string[]> {
  const listed = await s3Client().send(
    new ListObjectsV2Command({ Bucket: awsConfig().usageBucket, Prefix: `usage/${ID}/` }),
  );
  return (listed.Contents ?? []).map((o) => o.Key ?? "").sort();
}

const ops = (...args: string[]) =>
  tsxExit(["bin/ops.ts", ...args], {
    env: { ...process.env, ...services.env, CONTRACT_OPS_PERSONAL_DATA_URL: personalDataUrl.url },
  });

describe("R-RETAIN-1: ops purge-personal-data", () => {
  it("deletes the usage files through the given period, keeps later ones, and audits who did it", async () => {
    for (const period of ["2025-08", "2025-09", "2025-10"]) {
      await putUsage(ID, period, "voice", Buffer.from("call_start,duration_seconds\n"));
      await putUsage(ID, period, "sms", Buffer.from("sent_at,recipient,direction,content,content_chars\n"));
    }
    const result = await ops("purge-personal-data", "--contract", ID, "--through", "2025-09", "--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      contractId: ID,
      through: "2025-09",
      // An SMS log is stored with its content findings beside it (ADR 0035).
      deleted: [
        `usage/${ID}/2025-08/sms-findings.json`,
        `usage/${ID}/2025-08/sms.csv`,
        `usage/${ID}/2025-08/voice.csv`,
        `usage/${ID}/2025-09/sms-findings.json`,
        `usage/${ID}/2025-09/sms.csv`,
        `usage/${ID}/2025-09/voice.csv`,
      ],
    });
    expect(await usageKeys()).toEqual([
      `usage/${ID}/2025-10/sms-findings.json`,
      `usage/${ID}/2025-10/sms.csv`,
      `usage/${ID}/2025-10/voice.csv`,
    ]);
    const audit = (await auditHistory(ID)).filter((e) => e.who === "operator");
    expect(audit).toHaveLength(1);
    expect(audit[0]?.what).toContain("6 usage files");
  }, 60_000);

  it("refuses a malformed period with exit 1 and deletes nothing", async () => {
    const result = await ops("purge-personal-data", "--contract", ID, "--through", "2025-13");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: --through/);
    expect(await usageKeys()).toHaveLength(3);
  }, 60_000);
});
