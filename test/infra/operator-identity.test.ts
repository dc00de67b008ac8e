/**
 * ADR 0032: every operator action names who did it. Locally that is the OS user; on AWS the caller's
 * identity ARN from sts:GetCallerIdentity (here through a stand-in for STS, the one module under test).
 */
import { userInfo } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetAwsClients } from "../../functions/adapters/aws-config";
import { identityOfCaller } from "../../functions/adapters/operator-identity";
import { appendAuditEvent, auditHistory } from "../../functions/adapters/repository";
import { type LocalServices, startLocalServices } from "../../infra/local/services";

let services: LocalServices;
const savedEnv = { ...process.env };

beforeAll(async () => {
  services = await startLocalServices({ ports: { dynamodb: 0, s3: 0, ses: 0, smtp: 0 } });
  Object.assign(process.env, services.env);
  resetAwsClients();
});

afterAll(async () => {
  resetAwsClients();
  process.env = savedEnv;
  await services.stop();
});

describe("ADR 0032: operator identity in the audit trail", () => {
  it("stamps an operator's audit entry with the OS user on the embedded stack, and no other entry", async () => {
    await appendAuditEvent({ contractId: "ID-TEST", who: "operator", what: "payment recorded" });
    await appendAuditEvent({ contractId: "ID-TEST", who: "system", what: "bill sent" });
    const events = await auditHistory("ID-TEST");
    expect(events.find((e) => e.who === "operator")?.operator).toBe(`local:${userInfo().username}`);
    expect(events.find((e) => e.who === "system")?.operator).toBeUndefined();
  });

  it("on AWS names the caller's ARN as STS returns it", async () => {
    const arn = "arn:aws:sts::123456789012:assumed-role/ContractOpsOperator/wang.yiqun";
    expect(await identityOfCaller({ local: false, callerArn: async () => arn })).toBe(arn);
  });

  it("refuses to record an operator action whose caller STS cannot name", async () => {
    await expect(identityOfCaller({ local: false, callerArn: async () => undefined })).rejects.toThrow(
      /caller identity/,
    );
  });
});
