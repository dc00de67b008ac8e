/**
 * `npm start -- --ses-sandbox [--verified …]`: the run with SES in sandbox mode ("Moving out of the Amazon SES
 * sandbox", SES developer guide: only verified identities may receive). With Party A's contact unverified the
 * bill is refused as SES refuses it (400 MessageRejected, "Email address is not verified"), the cycle fails and
 * the run reports it; with Party A's and Party B's domains verified the same month runs clean. One month
 * (August 2025, billed on 1 September) with a few calls, to keep the run short.
 */
import { describe, expect, it } from "vitest";
import { loadContract } from "../../functions/core/contract";
import { runContractYear } from "../../infra/local/contract-year";
import { renderTextReport } from "../../infra/local/report";
import { sandboxVerifying } from "../../infra/local/ses-local";
import { tsx } from "../tsx-cli";
import { SAMPLE_CONTRACT } from "./harness";

async function oneMonth(verified: string[]) {
  return runContractYear({
    contract: await loadContract(SAMPLE_CONTRACT),
    from: "2025-08",
    to: "2025-08",
    voiceCallsPerMonth: 20,
    smsPerMonth: 5,
    seed: 3,
    sesSandbox: sandboxVerifying(verified),
  });
}

describe("npm start -- --ses-sandbox", () => {
  it("Party A unverified: the bill is refused with MessageRejected and the run reports the failed cycle", async () => {
    const report = await oneMonth([]);
    const failure = report.failures.find((f) => f.name === "11NA0700211920254001-2025-08");
    expect(failure).toMatchObject({
      stateMachine: "ContractOps-MonthlyCycle",
      status: "FAILED",
      error: "MessageRejected",
    });
    expect(failure?.cause).toContain("Email address is not verified");
    expect(failure?.cause).toContain("mali@partya.example");
    expect(report.partyAEmailsRead).toBe(0);
    expect(renderTextReport(report)).toContain(
      "FAILED: ContractOps-MonthlyCycle 11NA0700211920254001-2025-08: MessageRejected:",
    );
  }, 300_000);

  it("Party A's and Party B's domains verified: the same month sends its bill and nothing fails", async () => {
    const report = await oneMonth(["partya.example", "jl.chinamobile.com"]);
    expect(report.failures).toEqual([]);
    expect(report.periods.find((p) => p.period === "2025-08")?.billSentAt).toBe("2025-09-01T01:00:00+08:00");
  }, 300_000);

  it("--verified without --ses-sandbox is a usage error (exit 2), nothing run", async () => {
    const result = await tsx(["bin/start.ts", "--verified", "partya.example"]).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect((result as { stderr: string }).stderr).toContain("--verified needs --ses-sandbox");
  }, 120_000);
});
