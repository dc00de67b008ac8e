/**
 * `npm run bench:calls [-- --months N]`: the AWS calls a simulated month of `npm start` makes (ADR 0099), by
 * client, operation and caller — the repository or adapter function that sent it and the step, harness or
 * runtime code that called that. The sample scenario is played as `npm start` plays it for N months (default
 * 12); the first month (the stack's first kickoff, the calendar and the renewal watch starting) is left out,
 * so the figures are per month of the steady state. Counted by a middleware on every SDK client the process
 * builds; printed, never asserted.
 */
import { parseArgs } from "node:util";
import { addClientHook } from "../functions/adapters/aws-config";
import { refuseWithUsage } from "./per-call-options";
import { playSampleMonths } from "./sample-months";

const usage = "npm run bench:calls -- [--months N]";
const usageError: (message: string) => never = (message) => refuseWithUsage(usage, message);
let values: { months: string };
try {
  ({ values } = parseArgs({ options: { months: { type: "string", default: "12" } }, strict: true }));
} catch (error) {
  usageError(error instanceof Error ? error.message : String(error));
}
const months = Number(values.months);
if (!Number.isInteger(months) || months < 2 || months > 120)
  usageError(`--months must be a whole number from 2 to 120, got ${values.months}`);

process.env.CONTRACT_OPS_LOG_LEVEL ??= "error";
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";

/** The project's frames of a stack, without the SDK's, Node's and this file's. */
function projectFrames(stack: string): string[] {
  return stack
    .split("\n")
    .slice(1)
    .filter((line) => /\/(functions|infra)\//.test(line) && !line.includes("node_modules"))
    .map((line) => {
      const match = /at (?:async )?(?:Object\.)?([^\s(]+)? ?\(?.*\/((?:functions|infra)\/[^:]+)/.exec(line);
      return match ? `${match[1] ?? "<anonymous>"} (${match[2]})` : line.trim();
    });
}

/** What is used here of every client's middleware stack (their types differ per client, as in faults.ts). */
interface Stack {
  add(
    middleware: (
      next: (args: unknown) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: unknown) => Promise<unknown>,
    options: { step: "initialize"; name: string },
  ): void;
}

const counts = new Map<string, number>();
let counting = false;
addClientHook((client) => {
  const clientName = client.constructor.name;
  (client.middlewareStack as unknown as Stack).add(
    (next, context) => (args) => {
      if (counting) {
        // Client construction, tracing and the table primitives say nothing about who asked.
        const frames = projectFrames(new Error().stack ?? "").filter(
          (f) => !/aws-config|tracer|repository\/table\.ts/.test(f),
        );
        const key = `${clientName} ${context.commandName?.replace(/Command$/, "")} | ${frames.slice(0, 2).join(" < ")}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return next(args);
    },
    { step: "initialize", name: "countAwsCalls" },
  );
});
Error.stackTraceLimit = 40;

let seen = 0;
// From the second month's progress line (23:00 on the 1st) to the last month's: N − 1 whole months.
await playSampleMonths(months, (line) => {
  if (!/^\d{4}-\d{2}: /.test(line)) return;
  seen++;
  counting = seen >= 2 && seen < months;
});

const counted = months - 2;
const rows = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
const total = rows.reduce((sum, [, n]) => sum + n, 0);
const byOperation = new Map<string, number>();
for (const [key, n] of rows) {
  const operation = key.split(" | ")[0] as string;
  byOperation.set(operation, (byOperation.get(operation) ?? 0) + n);
}
const perMonth = (n: number) => (n / counted).toFixed(1);
process.stdout.write(
  `AWS calls over ${counted} month(s), from the progress line of month 2 to that of month ${months}\n`,
);
process.stdout.write(
  `total ${total}, ${perMonth(total)} a month\n\n| client operation | a month |\n| --- | ---: |\n`,
);
for (const [operation, n] of [...byOperation].sort((a, b) => b[1] - a[1]))
  process.stdout.write(`| ${operation} | ${perMonth(n)} |\n`);
process.stdout.write("\n| client operation | caller | a month |\n| --- | --- | ---: |\n");
for (const [key, n] of rows) {
  const [operation, caller] = key.split(" | ");
  process.stdout.write(`| ${operation} | ${caller} | ${perMonth(n)} |\n`);
}
