/**
 * Where the console reads Lambda logs (ADR 0092): against `npm run local` the CloudWatch Logs calls go to the
 * embedded stack's Step Functions endpoint, which answers them; against a deployed stack (--profile/--region)
 * no local endpoint is left over, so they go to the regional CloudWatch Logs endpoint.
 */
import { afterEach, describe, expect, it } from "vitest";
import { useTarget } from "../../bin/ops/_target";
import { loadAwsConfig } from "../../functions/adapters/aws-config";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

const clear = () => {
  for (const name of ["CONTRACT_OPS_SFN_ENDPOINT", "CONTRACT_OPS_LOGS_ENDPOINT"]) delete process.env[name];
};

describe("the Logs endpoint the console's reads use", () => {
  it("npm run local's: the Step Functions endpoint, the default port or the one exported", () => {
    clear();
    useTarget({});
    expect(loadAwsConfig().endpoints.logs).toBe("http://127.0.0.1:8083");
    clear();
    process.env.CONTRACT_OPS_SFN_ENDPOINT = "http://127.0.0.1:40123";
    useTarget({});
    expect(loadAwsConfig().endpoints.logs).toBe("http://127.0.0.1:40123");
  });

  it("a deployed stack's: no local endpoint survives, even one exported earlier", () => {
    process.env.CONTRACT_OPS_LOGS_ENDPOINT = "http://127.0.0.1:8083";
    useTarget({ profile: "ops", region: "us-east-1" });
    expect(loadAwsConfig().endpoints.logs).toBeUndefined();
  });
});
