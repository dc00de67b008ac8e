/**
 * `npm run local`: the embedded AWS stack on fixed ports of 127.0.0.1 until Ctrl-C, for exploring with
 * the AWS CLI, a mail client (SMTP on localhost) and the SES web inbox. Time is the wall clock.
 *
 *   npm run local -- [--dynamodb-port 8000] [--s3-port 4569] [--ses-port 8005] [--smtp-port 2525]
 *                    [--sfn-port 8083] [--data-dir .local/data] [--verdict spf=FAIL …]
 */
import { parseArgs } from "node:util";
import { inboundMailObjectKey } from "../functions/adapters/aws-config";
import { defaultLocalPorts, PortInUseError } from "../infra/local/ports";
import type { ReceiptVerdicts, SesReceiptEvent, VerdictName, VerdictStatus } from "../infra/local/services";
import { startLocalStack } from "../infra/local/stack";

const usage = `usage: npm run local -- [--dynamodb-port N] [--s3-port N] [--ses-port N] [--smtp-port N]
                        [--sfn-port N] [--data-dir DIR] [--verdict spf|dkim|dmarc|spam|virus=PASS|FAIL|GRAY|PROCESSING_FAILED]…`;

const verdictNames: readonly VerdictName[] = ["spf", "dkim", "dmarc", "spam", "virus"];
const verdictStatuses: readonly VerdictStatus[] = ["PASS", "FAIL", "GRAY", "PROCESSING_FAILED"];

class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
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
      "data-dir": { type: "string" },
      verdict: { type: "string", multiple: true },
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
    },
    ...(values["data-dir"] === undefined ? {} : { dataDir: values["data-dir"] }),
    verdicts: verdicts(values.verdict ?? []),
  };
}

/** No handler is wired here (`npm start` runs the application); each arrival is announced instead. */
async function announceInbound(event: SesReceiptEvent): Promise<void> {
  for (const record of event.Records) {
    const { mail, receipt } = record.ses;
    const verdictList = `spf=${receipt.spfVerdict.status} dkim=${receipt.dkimVerdict.status} dmarc=${receipt.dmarcVerdict.status} spam=${receipt.spamVerdict.status} virus=${receipt.virusVerdict.status}`;
    console.log(
      `inbound message ${mail.messageId} stored as ${inboundMailObjectKey(mail.messageId)} (${verdictList})`,
    );
  }
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(usage);
    return;
  }

  const stack = await startLocalStack({ ...options, onInboundEmail: announceInbound });
  const { endpoints } = stack;
  const rows: [string, string][] = [
    ["DynamoDB", endpoints.dynamodb],
    ["S3", endpoints.s3],
    ["SES API", endpoints.ses],
    ["SES inbox", endpoints.sesInbox],
    ["inbound SMTP", `${endpoints.smtp.host}:${endpoints.smtp.port}`],
    ["Step Functions", `${endpoints.stepFunctions} (wall-clock time, no state machine created yet)`],
    ["data", options.dataDir ?? "in memory (gone on exit)"],
  ];
  console.log(
    [
      "contract-ops embedded stack is up (Ctrl-C stops it)",
      ...rows.map(([label, value]) => `  ${label.padEnd(15)} ${value}`),
      "",
      "Point the application at it with:",
      ...Object.entries(stack.env).map(([name, value]) => `  export ${name}=${value}`),
    ].join("\n"),
  );

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    stack.stop().then(
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
