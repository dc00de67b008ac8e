/**
 * `npm run sfn -- run`: one definition to completion on virtual time, printing
 * `{ status, output, error, cause, history }` with DescribeExecution / GetExecutionHistory names.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runDefinition } from "../../infra/local/sfn/run-definition";
import { tsx } from "../tsx-cli";

const root = resolve(import.meta.dirname, "../..");
const fixture = (name: string) => resolve(root, "test/fixtures/sfn", name);

interface HistoryJson {
  id: number;
  type: string;
  timestamp: string;
  executionStartedEventDetails?: { input: string };
  stateEnteredEventDetails?: { name: string };
}

describe("sfn run CLI", () => {
  it("runs the monthly-cycle-shaped machine with --handlers and prints the AWS-shaped report as JSON", async () => {
    const { stdout } = await tsx(
      [
        "bin/sfn.ts",
        "run",
        "--definition",
        fixture("monthly-cycle-shape.asl.json"),
        "--input",
        fixture("cli-input.json"),
        "--handlers",
        fixture("cli-handlers.ts"),
        "--start",
        "2026-01-31T17:00:00Z",
        "--json",
      ],
      { cwd: root },
    );
    const report = JSON.parse(stdout) as {
      status: string;
      output: string;
      error: null;
      history: HistoryJson[];
    };
    expect(report.status).toBe("SUCCEEDED");
    expect(JSON.parse(report.output)).toEqual({
      billId: "11NA0700211920254001-2026-01",
      outcome: "confirmed",
    });
    expect(report.error).toBeNull();
    const first = report.history[0];
    expect(first).toMatchObject({
      id: 1,
      previousEventId: 0,
      type: "ExecutionStarted",
      timestamp: "2026-01-31T17:00:00.000Z",
    });
    expect(first?.executionStartedEventDetails?.input).toContain("11NA0700211920254001");
    const last = report.history.at(-1);
    expect(last?.type).toBe("ExecutionSucceeded");
    // Reply after 2 days, due date 30 days after the bill, then 5 days of grace before the reminder.
    expect(last?.timestamp).toBe("2026-03-07T17:00:00.000Z");
    const waits = report.history
      .filter((e) => e.type === "WaitStateEntered")
      .map((e) => e.stateEnteredEventDetails?.name);
    expect(waits).toEqual(["Wait until payment due", "Wait the grace period"]);
  });

  it("exits 1 naming the state and field of a rejected definition, 2 on bad usage", async () => {
    const bad = tsx(
      [
        "bin/sfn.ts",
        "run",
        "--definition",
        fixture("invalid-jsonpath.asl.json"),
        "--input",
        fixture("cli-input.json"),
      ],
      {
        cwd: root,
      },
    );
    await expect(bad).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/InvalidDefinition.*'Charge'.*'ResultPath'/),
    });
    await expect(tsx(["bin/sfn.ts", "walk"], { cwd: root })).rejects.toMatchObject({ code: 2 });
  });

  it("reports a failed execution with error and cause (runDefinition in-process)", async () => {
    const report = await runDefinition({
      definition: {
        QueryLanguage: "JSONata",
        StartAt: "T",
        States: {
          T: {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke",
            Arguments: { FunctionName: "nope" },
            End: true,
          },
        },
      },
      input: "{}",
      start: new Date("2026-01-01T00:00:00Z"),
    });
    expect(report).toMatchObject({
      status: "FAILED",
      error: "Lambda.ResourceNotFoundException",
      output: null,
    });
    expect(JSON.parse(report.cause as string).errorMessage).toContain("nope");
  });
});
