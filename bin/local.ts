/**
 * `npm run local`: the embedded AWS stack on fixed ports of 127.0.0.1 until Ctrl-C, with the application
 * deployed on it (the synthesized state machines, their handlers, the monthly schedule), for exploring
 * with `npm run ops`, the AWS CLI, a mail client (SMTP on localhost) and the SES web inbox. Time is the
 * wall clock, or with `--virtual-time [--start YYYY-MM-DD]` a virtual clock that stands still until the
 * console moves it (to the next timer or to a day), so a newcomer sees a month's cycle without waiting for
 * the 1st. `--contract <file>` registers a contract and starts its term's RenewalWatch.
 *
 *   npm run local -- [--contract contracts/11NA0700211920254001.json] [--virtual-time [--start 2025-07-01]]
 *                    [--dynamodb-port 8000] [--s3-port 4569]
 *                    [--ses-port 8005] [--smtp-port 2525] [--sfn-port 8083] [--operator-port 8084] [--personal-data-port 8085] [--console-port 8090]
 *                    [--data-dir .local/data] [--verdict spf=FAIL …] [--ses-sandbox [--verified mali@partya.example …]]
 *
 * `--ses-sandbox` makes the local SES behave like an account in the SES sandbox: mail goes only to verified
 * identities — the sender's domain and each `--verified` address or domain — and anything else is refused
 * with MessageRejected, as SES does before production access.
 *
 * The console (`/` in a browser) comes up with it: contracts, state machines, executions, a button that
 * starts the monthly kickoff for a period now and, on virtual time, the buttons that move time.
 */
import { parseArgs } from "node:util";
import { DEFAULT_REGION, LOCAL_CREDENTIALS } from "../functions/adapters/aws-config";
import { putContractUnderWatch } from "../functions/app/contracts";
import { loadContract } from "../functions/core/contract";
import { formatInstant, parseLocalDate, startOfDay } from "../functions/core/time";
import { startEmbeddedApp } from "../infra/local/app";
import { defaultLocalPorts, PortInUseError } from "../infra/local/ports";
import { CONSOLE_PORT, startEmbeddedConsole } from "../infra/local/serve-console";
import type { ReceiptVerdicts, VerdictName, VerdictStatus } from "../infra/local/services";
import { sandboxVerifying } from "../infra/local/ses-local";

const usage = `usage: npm run local -- [--contract FILE] [--virtual-time [--start YYYY-MM-DD]] [--dynamodb-port N] [--s3-port N] [--ses-port N] [--smtp-port N]
                        [--sfn-port N] [--operator-port N] [--personal-data-port N] [--console-port N] [--data-dir DIR] [--verdict spf|dkim|dmarc|spam|virus=PASS|FAIL|GRAY|PROCESSING_FAILED]…
                        [--ses-sandbox [--verified ADDRESS|DOMAIN]…]`;

const verdictNames: readonly VerdictName[] = ["spf", "dkim", "dmarc", "spam", "virus"];
const verdictStatuses: readonly VerdictStatus[] = ["PASS", "FAIL", "GRAY", "PROCESSING_FAILED"];

class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** A flag given with a value it cannot take: exit 1, one line, nothing started. */
class OptionValueError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OptionValueError";
  }
}

/** Where the clock starts: the given day's 00:00 Beijing time on virtual time, else now. */
function clockStart(
  virtualTime: boolean,
  start: string | undefined,
): { start: Date; mode: "virtual" | "real" } {
  if (start !== undefined && !virtualTime) throw new UsageError("--start needs --virtual-time");
  if (!virtualTime) return { start: new Date(), mode: "real" };
  if (start === undefined) return { start: new Date(), mode: "virtual" };
  try {
    return { start: startOfDay(parseLocalDate(start)), mode: "virtual" };
  } catch (error) {
    throw new OptionValueError(`--start ${start}: expected a day YYYY-MM-DD`, { cause: error });
  }
}

function port(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65_535) throw new UsageError(`not a port number: ${text}`);
  return value;
}

function verdicts(settings: string[]): Partial<ReceiptVerdicts> {
  const result: Partial<ReceiptVerdicts> = {};
  for (const setting of settings) {
    const [name, status] = setting.split("=");
    const verdict = verdictNames.find((candidate) => candidate === name);
    const value = verdictStatuses.find((candidate) => candidate === status);
    if (!verdict || !value) throw new UsageError(`bad --verdict ${setting}`);
    result[verdict] = value;
  }
  return result;
}

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      "dynamodb-port": { type: "string" },
      "s3-port": { type: "string" },
      "ses-port": { type: "string" },
      "smtp-port": { type: "string" },
      "sfn-port": { type: "string" },
      "operator-port": { type: "string" },
      "personal-data-port": { type: "string" },
      "console-port": { type: "string" },
      "data-dir": { type: "string" },
      contract: { type: "string" },
      verdict: { type: "string", multiple: true },
      "ses-sandbox": { type: "boolean" },
      verified: { type: "string", multiple: true },
      "virtual-time": { type: "boolean" },
      start: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  return {
    help: values.help === true,
    ports: {
      dynamodb: port(values["dynamodb-port"], defaultLocalPorts.dynamodb),
      s3: port(values["s3-port"], defaultLocalPorts.s3),
      ses: port(values["ses-port"], defaultLocalPorts.ses),
      smtp: port(values["smtp-port"], defaultLocalPorts.smtp),
      stepFunctions: port(values["sfn-port"], defaultLocalPorts.stepFunctions),
      operator: port(values["operator-port"], defaultLocalPorts.operator),
      personalData: port(values["personal-data-port"], defaultLocalPorts.personalData),
    },
    consolePort: port(values["console-port"], CONSOLE_PORT),
    ...(values["data-dir"] === undefined ? {} : { dataDir: values["data-dir"] }),
    contract: values.contract,
    clock: clockStart(values["virtual-time"] === true, values.start),
    verdicts: verdicts(values.verdict ?? []),
    ...sesSandbox(values["ses-sandbox"] === true, values.verified ?? []),
  };
}

/** The sandbox's verified identities: the domain the stack sends from (its own identity) and the given ones. */
function sesSandbox(on: boolean, verified: string[]) {
  if (!on) {
    if (verified.length > 0) throw new UsageError("--verified needs --ses-sandbox");
    return {};
  }
  return { sesSandbox: sandboxVerifying(verified) };
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof OptionValueError) {
      console.error((error as Error).message);
      process.exit(1);
    }
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(usage);
    return;
  }

  const { contract: contractPath, help: _help, consolePort, clock, ...stackOptions } = options;
  const app = await startEmbeddedApp({ ...clock, ...stackOptions });
  const consoleServer = await startEmbeddedConsole(app, consolePort).catch(async (error: unknown) => {
    await app.stop();
    throw error;
  });
  const { stack } = app;
  const { endpoints } = stack;
  let registered = "none (pass --contract FILE)";
  if (contractPath) {
    const contract = await loadContract(contractPath);
    await putContractUnderWatch(contract);
    // On virtual time what is due now runs only when the clock is run: the watch's first steps.
    if (app.clock.mode === "virtual") await app.clock.runUntil(app.clock.now());
    registered = `${contract.contractId} (RenewalWatch term 1 started)`;
  }
  const rows: [string, string][] = [
    ["console", `${consoleServer.url} (open in a browser)`],
    ["DynamoDB", endpoints.dynamodb],
    ["S3", endpoints.s3],
    ["SES API", endpoints.ses],
    ["SES inbox", endpoints.sesInbox],
    [
      "SES mode",
      options.sesSandbox
        ? `sandbox: only to ${options.sesSandbox.verifiedIdentities.join(", ")}`
        : "production access (any recipient)",
    ],
    ["inbound SMTP", `${endpoints.smtp.host}:${endpoints.smtp.port}`],
    [
      "Step Functions",
      clock.mode === "virtual"
        ? `${endpoints.stepFunctions} (virtual time, now ${formatInstant(app.clock.now())}; the console's buttons move it)`
        : `${endpoints.stepFunctions} (wall-clock time)`,
    ],
    ["operator URL", `${stack.env.CONTRACT_OPS_OPERATOR_URL} (ops writes, SigV4-signed; ADR 0038)`],
    [
      "purge URL",
      `${stack.env.CONTRACT_OPS_PERSONAL_DATA_URL} (ops purge-personal-data, SigV4-signed; ADR 0083)`,
    ],
    ["state machines", Object.values(app.stateMachineArns).join("\n                  ")],
    ["contract", registered],
    ["data", options.dataDir ?? "in memory (gone on exit)"],
  ];
  console.log(
    [
      "contract-ops embedded stack is up (Ctrl-C stops it)",
      ...rows.map(([label, value]) => `  ${label.padEnd(15)} ${value}`),
      "",
      "The monthly schedule (01:00 on the 1st, Asia/Shanghai) is registered. Try:",
      "  npm run ops -- status",
      "Point other tools at it with:",
      ...Object.entries(stack.env).map(([name, value]) => `  export ${name}=${value}`),
      "and the AWS CLI or any SDK (s3rver accepts only this key; the other emulators accept any):",
      `  export AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.secretAccessKey} AWS_REGION=${DEFAULT_REGION}`,
    ].join("\n"),
  );

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    Promise.all([consoleServer.stop(), app.stop()]).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof PortInUseError) {
    console.error(`${error.message}\n${usage}`);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});
