/**
 * The synthesized state machine definitions (docs/workflows.md): JSONata-only, plain-English state names
 * with rule IDs in every Comment, the handler contract's retry and callback shape, every JSONata
 * expression valid, and each definition accepted by the local Step Functions runtime.
 */
import jsonata from "jsonata";
import { beforeAll, describe, expect, it } from "vitest";
import { loadStateMachinesFromTemplate, parseDefinition } from "../../infra/local/sfn";
import { synthesizeTemplate } from "../../infra/synth-local";
import {
  EXECUTION_BUDGET_DAYS,
  secondsUntil,
  stateMachineNames,
  TRANSIENT_LAMBDA_ERRORS,
} from "../../workflows/states";

// biome-ignore lint/suspicious/noExplicitAny: Amazon States Language JSON is untyped; the checks navigate it freely
type State = Record<string, any>;
let machines: Map<string, State>;

beforeAll(() => {
  const { stateMachines } = loadStateMachinesFromTemplate(synthesizeTemplate(), {
    region: "ap-east-1",
    accountId: "123456789012",
    repoRoot: process.cwd(),
    bucketNames: { usage: "usage-bucket", mail: "mail-bucket" },
  });
  machines = new Map(stateMachines.map((m) => [m.name, m.definition as State]));
});

/** Every state, including those inside Parallel branches and Map item processors. */
function allStates(definition: State): Array<[string, State]> {
  return Object.entries(definition.States as Record<string, State>).flatMap(([name, state]) => [
    [name, state] as [string, State],
    ...(state.Branches ?? []).flatMap((b: State) => allStates(b)),
    ...(state.ItemProcessor ? allStates(state.ItemProcessor) : []),
  ]);
}

function allKeys(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) allKeys(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      allKeys(v, out);
    }
  }
  return out;
}

function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) allStrings(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) allStrings(v, out);
  return out;
}

const machine = (name: string): State => {
  const m = machines.get(name);
  if (!m) throw new Error(`no state machine ${name}`);
  return m;
};

const expectedStates: Record<string, string[]> = {
  [stateMachineNames.calendarCheck]: ["Warn Party B if next year's calendar is still provisional"],
  [stateMachineNames.monthlyKickoff]: [
    "List the active contracts",
    "Start each contract's monthly cycle",
    "Start the monthly cycles of a batch of contracts",
    "Did every contract's cycle start?",
    "All monthly cycles started",
    "Some contracts' monthly cycles did not start",
  ],
  [stateMachineNames.monthlyCycle]: [
    "Rate usage and prepare the bill",
    "Is a usage file still missing?",
    "Wait a working day for the missing usage file",
    "Tell Party B the bill could not be prepared",
    "Prepare the bill once the cause is fixed",
    "Send the bill to Party A",
    "Is there time for a reminder before the reconciliation deadline?",
    "Wait for Party A's reconciliation reply",
    "Remind Party A that the reconciliation is due",
    "Keep waiting for the reconciliation reply until the deadline",
    "Deem the bill accepted without a reply",
    "Did a reply arrive, or did the deadlines move?",
    "Take the deadlines the official calendar moved",
    "Was the payment recorded, or did its due date move?",
    "Keep waiting for the payment until the moved due date",
    "Was the amount agreed, or did its deadline move?",
    "Keep waiting for the agreed amount until the moved deadline",
    "The amount is agreed",
    "Was the invoice recorded, or did its due date move?",
    "Keep waiting for the VAT invoice until the moved due date",
    "The VAT invoice is recorded",
    "Re-reconcile while payment proceeds",
    "Is a re-reconciliation needed?",
    "Open the re-reconciliation",
    "Wait for the agreed amount",
    "Record the re-reconciliation as unresolved",
    "No re-reconciliation needed",
    "Is a payment due on this bill?",
    "Nothing to pay on this bill",
    "Wait for Party A's payment",
    "Send the overdue notice and record the breach",
    "Keep waiting for the payment",
    "Hand the unpaid bill to a person",
    "Wait for the VAT invoice to be recorded",
    "Record the late invoice as a breach",
    "Keep waiting for the VAT invoice",
    "Hand the missing invoice to a person",
    "Close the cycle",
    "Cycle closed",
  ],
  [stateMachineNames.renewalWatch]: [
    "Work out the term's dates and deadlines",
    "Has a written notice already ended this term?",
    "Is the renewal reminder too far away for this execution?",
    "Wait until it is time to hand over to a fresh execution",
    "Hand the watch over to a fresh execution",
    "Handed over to a fresh execution",
    "Wait until the renewal reminder date",
    "Remind both parties of the non-renewal deadline",
    "Wait for a written non-renewal notice until the deadline",
    "Renew the contract for another term",
    "Renewed",
    "Wait until the term ends",
    "End the contract",
    "Contract ended",
  ],
  [stateMachineNames.obligationClock]: [
    "Read the obligation and its deadline",
    "Is there a reminder before the deadline?",
    "Wait until the reminder day",
    "Remind both parties of the deadline",
    "Wait for the answer until the deadline",
    "Answered before the deadline",
    "Record that the deadline passed",
    "Deadline passed",
  ],
};

describe.each(Object.values(stateMachineNames))("%s", (name) => {
  it("uses JSONata for every state and no JSONPath field anywhere", () => {
    const definition = machine(name);
    expect(definition.QueryLanguage).toBe("JSONata");
    for (const [stateName, state] of allStates(definition)) {
      expect(state.QueryLanguage ?? "JSONata", stateName).toBe("JSONata");
    }
    const keys = allKeys(definition);
    const jsonPathFields = keys.filter(
      (k) =>
        k.endsWith(".$") ||
        [
          "Parameters",
          "ResultPath",
          "InputPath",
          "OutputPath",
          "ResultSelector",
          "ItemsPath",
          "Iterator",
          "Variable",
        ].includes(k) ||
        (k.endsWith("Path") && k !== "ResultPath"),
    );
    expect(jsonPathFields).toEqual([]);
  });

  it("names its states in plain English and cites rule IDs in every Comment", () => {
    const states = allStates(machine(name));
    expect(states.map(([n]) => n).sort()).toEqual([...(expectedStates[name] ?? [])].sort());
    for (const [stateName, state] of states) {
      expect(state.Comment, stateName).toMatch(/\bR-[A-Z]+-\d+/);
      expect(stateName.length).toBeLessThanOrEqual(80);
    }
  });

  it("retries every Lambda task on transient Lambda errors: 2 s, backoff 2, 4 attempts, full jitter", () => {
    const tasks = allStates(machine(name)).filter(([, s]) => s.Type === "Task");
    expect(tasks.length).toBeGreaterThan(0);
    for (const [stateName, task] of tasks) {
      expect(task.Resource, stateName).toMatch(/^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/);
      expect(task.Retry, stateName).toEqual([
        {
          ErrorEquals: TRANSIENT_LAMBDA_ERRORS,
          IntervalSeconds: 2,
          MaxAttempts: 4,
          BackoffRate: 2,
          JitterStrategy: "FULL",
        },
        // A batch whose starts failed (throttled, say) is tried again; started cycles count as started.
        ...(stateName === "Start the monthly cycles of a batch of contracts"
          ? [
              {
                ErrorEquals: ["CyclesNotStartedError"],
                IntervalSeconds: 5,
                MaxAttempts: 3,
                BackoffRate: 2,
                JitterStrategy: "FULL",
              },
            ]
          : []),
        // Preparing the bill is tried twice more on any error before Party B is told (ADR 0026).
        ...(stateName === "Rate usage and prepare the bill"
          ? [
              {
                ErrorEquals: ["States.ALL"],
                IntervalSeconds: 60,
                MaxAttempts: 2,
                BackoffRate: 2,
                JitterStrategy: "FULL",
              },
            ]
          : []),
      ]);
    }
  });

  it("waits only through callback tokens with a JSONata timeout and a States.Timeout catch", () => {
    for (const [stateName, task] of allStates(machine(name))) {
      if (task.Resource !== "arn:aws:states:::lambda:invoke.waitForTaskToken") continue;
      expect(task.Arguments.Payload.taskToken, stateName).toBe("{% $states.context.Task.Token %}");
      // The ObligationClock's one Lambda takes the wait as its "await" action.
      expect(task.Arguments.Payload.awaiting ?? task.Arguments.Payload.action, stateName).toMatch(
        /^(reconciliation-reply|agreed-amount|payment|invoice|written-notice|await)$/,
      );
      expect(task.TimeoutSeconds, stateName).toMatch(/^\{%.*%\}$/s);
      expect(
        task.Catch?.map((c: State) => c.ErrorEquals),
        stateName,
      ).toEqual([["States.Timeout"]]);
    }
  });

  it("has only valid JSONata expressions", () => {
    const expressions = allStrings(machine(name)).filter((s) => s.startsWith("{%"));
    expect(expressions.length).toBeGreaterThan(0);
    for (const text of expressions) {
      expect(text, text).toMatch(/^\{%[\s\S]*%\}$/);
      expect(() => jsonata(text.slice(2, -2)), text).not.toThrow();
    }
  });

  it("is accepted by the local Step Functions runtime", () => {
    expect(() => parseDefinition(machine(name))).not.toThrow();
  });
});

describe("deadline timeouts (R-RECON-1, R-PAY-1, R-INV-1)", () => {
  const evaluate = (expression: string, bindings: Record<string, unknown>) =>
    jsonata(expression.slice(2, -2)).evaluate({}, bindings) as Promise<number>;
  const context = (startedAt: string, enteredAt: string) => ({
    states: { context: { Execution: { StartTime: startedAt }, State: { EnteredTime: enteredAt } } },
  });

  it("R-RECON-1: times out at the deadline instant, whatever its offset", async () => {
    const seconds = await evaluate(secondsUntil("$sent.reconciliationDeadline"), {
      ...context("2025-09-01T17:00:00.000Z", "2025-09-02T01:00:00.000Z"),
      sent: { reconciliationDeadline: "2025-09-09T23:59:59+08:00" },
    });
    expect(seconds).toBe((Date.parse("2025-09-09T15:59:59Z") - Date.parse("2025-09-02T01:00:00Z")) / 1000);
  });

  it("R-RECON-5: a deadline already past times out after 1 second (TimeoutSeconds must be positive)", async () => {
    const seconds = await evaluate(secondsUntil("$sent.reminderAt"), {
      ...context("2025-09-01T17:00:00.000Z", "2025-09-10T00:00:00.000Z"),
      sent: { reminderAt: "2025-09-08T09:00:00+08:00" },
    });
    expect(seconds).toBe(1);
  });

  it(`R-PAY-2: no wait reaches past ${EXECUTION_BUDGET_DAYS} days after the execution started`, async () => {
    const started = "2025-09-01T17:00:00.000Z";
    const entered = "2026-07-01T00:00:00.000Z";
    const seconds = await evaluate(secondsUntil("$paid.invoiceDue"), {
      ...context(started, entered),
      paid: { invoiceDue: "2026-12-31T23:59:59+08:00" },
    });
    expect(Date.parse(entered) + seconds * 1000).toBe(
      Date.parse(started) + EXECUTION_BUDGET_DAYS * 86_400_000,
    );
  });
});

describe("MonthlyKickoff at any number of contracts (ADR 0051)", () => {
  it("R-BILL-1: fans out with a Distributed Map reading the list step's S3 manifest in batches, tolerating failed batches", () => {
    const states = machine(stateMachineNames.monthlyKickoff).States as Record<string, State>;
    const fanOut = states["Start each contract's monthly cycle"] as State;
    expect(fanOut.Type).toBe("Map");
    expect(fanOut.ItemProcessor.ProcessorConfig).toEqual({ Mode: "DISTRIBUTED", ExecutionType: "STANDARD" });
    // Developer guide, "ItemReader (Map)": a JSON Lines object is read with s3:getObject and InputType JSONL.
    expect(fanOut.ItemReader).toEqual({
      Resource: "arn:aws:states:::s3:getObject",
      ReaderConfig: { InputType: "JSONL" },
      Arguments: { Bucket: "usage-bucket", Key: "{% $listing.manifestKey %}" },
    });
    expect(fanOut.Items).toBeUndefined();
    expect(fanOut.ItemBatcher).toEqual({
      MaxItemsPerBatch: 10,
      BatchInput: { period: "{% $listing.period %}" },
    });
    expect(fanOut.ToleratedFailurePercentage).toBe(50);
    expect(fanOut.Label).toBe("StartCycles");
    // The list step's result carries the manifest's location, never the list itself (256 KiB payload limit).
    const list = states["List the active contracts"] as State;
    expect(list.Arguments.Payload.manifestKey).toBe(
      "{% 'kickoff/' & $states.context.Execution.Name & '.jsonl' %}",
    );
    expect(states["Did every contract's cycle start?"]?.Default).toBe(
      "Some contracts' monthly cycles did not start",
    );
  });
});
