/**
 * `npm run local -- --virtual-time --start <day>` (README "The console"): the stack starts on a virtual
 * clock at 00:00 Beijing time of that day and the console's buttons move it — to a day, when the monthly
 * schedule fires on the way, and "start the kickoff for a period now". Run as a newcomer would: the
 * command line as a child process, the console over HTTP, the executions read back through the Step
 * Functions API the command printed.
 *
 * Oracles: the schedule is `cron(0 1 1 * ? *)` in Asia/Shanghai (architecture §2), so advancing from
 * 2025-08-28 to 2025-09-02 fires it once, at 2025-09-01T01:00:00+08:00 = 2025-08-31T17:00:00Z; MonthlyKickoff
 * bills the month before (period 2025-08) and names its cycle `<contractId>-2025-08` (architecture §4).
 */
import type { ChildProcess } from "node:child_process";
import { ListExecutionsCommand, SFNClient } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_CREDENTIALS } from "../../functions/adapters/aws-config";
import { spawnTsx, tsxExit } from "../tsx-cli";
import { SAMPLE_CONTRACT } from "./harness";

const CONTRACT_ID = "11NA0700211920254001";
let child: ChildProcess;
let consoleUrl: string;
let sfn: SFNClient;
let output = "";

const local = (...args: string[]) => tsxExit(["bin/local.ts", ...args]);

beforeAll(async () => {
  // Every port the kernel's choice: another test file running at the same time never finds one taken.
  const ports = ["dynamodb", "s3", "ses", "smtp", "sfn", "operator", "personal-data", "console"].flatMap(
    (name) => [`--${name}-port`, "0"],
  );
  child = spawnTsx(
    ["bin/local.ts", "--virtual-time", "--start", "2025-08-28", "--contract", SAMPLE_CONTRACT, ...ports],
    { stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("AWS_REGION=")) resolve();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.once("exit", (code) => reject(new Error(`npm run local exited ${code}:\n${output}`)));
  });
  consoleUrl = /console\s+(http:\/\/localhost:\d+\/)/.exec(output)?.[1] ?? "";
  const endpoint = /CONTRACT_OPS_SFN_ENDPOINT=(\S+)/.exec(output)?.[1] ?? "";
  sfn = new SFNClient({ endpoint, region: "us-east-1", credentials: LOCAL_CREDENTIALS });
}, 120_000);

afterAll(async () => {
  sfn?.destroy();
  if (child?.pid !== undefined && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    // The child was started in its own process group: the command and the stack stop together.
    process.kill(-child.pid, "SIGTERM");
    await exited;
  }
});

async function post(path: string, form: Record<string, string>): Promise<Response> {
  return fetch(new URL(path, consoleUrl), {
    method: "POST",
    body: new URLSearchParams(form),
    redirect: "manual",
  });
}

const executionsOf = async (machine: string) => {
  const arn = /(arn:aws:states:\S+:stateMachine:ContractOps-\w+)/g;
  const machineArn = [...output.matchAll(arn)].map((m) => m[1] ?? "").find((a) => a.endsWith(`-${machine}`));
  const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn }));
  return listed.executions ?? [];
};

describe("npm run local on virtual time", () => {
  it("starts at 00:00 Beijing time of --start and says it is virtual time", async () => {
    expect(output).toContain("virtual time, now 2025-08-28T00:00:00+08:00");
    const page = await (await fetch(consoleUrl)).text();
    expect(page).toContain("2025-08-28 00:00");
    expect(page).toContain('id="advance-next"');
  });

  it("advancing to a day fires the monthly schedule on the way, at 01:00 on the 1st", async () => {
    const moved = await post("/actions/advance", { to: "2025-09-02" });
    expect(moved.status).toBe(303);
    const kickoffs = await executionsOf("MonthlyKickoff");
    expect(kickoffs.map((e) => e.startDate?.toISOString())).toEqual(["2025-08-31T17:00:00.000Z"]);
    const cycles = await executionsOf("MonthlyCycle");
    expect(cycles.map((e) => e.name)).toContain(`${CONTRACT_ID}-2025-08`);
    expect(await (await fetch(consoleUrl)).text()).toContain("2025-09-02 00:00");
  });

  it("a day not after the stack's time is refused and moves nothing", async () => {
    const refused = await post("/actions/advance", { to: "2025-09-01" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("expected a day after the stack&#39;s current time");
    expect(await (await fetch(consoleUrl)).text()).toContain("2025-09-02 00:00");
  });

  it("the kickoff button starts a kickoff now, which runs to its end on the virtual clock", async () => {
    const started = await post("/actions/kickoff", { period: "2025-08" });
    expect(started.status).toBe(303);
    const location = decodeURIComponent(started.headers.get("location") ?? "");
    expect(location).toMatch(
      /^\/executions\/arn:aws:states:.*:execution:ContractOps-MonthlyKickoff:console-2025-08-/,
    );
    const kickoffs = await executionsOf("MonthlyKickoff");
    const fromConsole = kickoffs.find((e) => e.name?.startsWith("console-2025-08-"));
    expect(fromConsole?.status).toBe("SUCCEEDED");
  });
});

describe("npm run local's clock flags", () => {
  it("--start without --virtual-time is a usage error (exit 2)", async () => {
    const result = await local("--start", "2025-08-28");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--start needs --virtual-time");
  });

  it("a --start that is not a day exits 1 naming the flag, the value and what is expected", async () => {
    const result = await local("--virtual-time", "--start", "2025-02-30");
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe("--start 2025-02-30: expected a day YYYY-MM-DD");
  });
});
