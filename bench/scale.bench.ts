/**
 * `npm run bench:scale -- --contracts N [--months M] [--voice-calls V] [--sms S] [--lambda-concurrency C]
 * [--trace-memory H [--heap-snapshot-at ISO]] [--reads-by-key] [--json]`: N contracts
 * (the sample contract under N contract numbers, each with its RenewalWatch) billed for M months on the
 * embedded stack — the synthesized workflows, the real handlers, dynalite, s3rver, the SES emulator, Party
 * A answering by email as in `npm start`. Prints contracts/s per phase, peak RSS, the largest execution
 * history, per contract-month the state transitions, Lambda invocations and GB-seconds, DynamoDB units,
 * SES messages and S3 requests, and the AWS cost per contract-month from bench/aws-prices.json.
 * Every cycle is checked closed, one bill for one usage, as it closes and at the end (scale-cycles.ts).
 * `--trace-memory H` prints live memory every H virtual hours and RSS and the heap every 2 s of wall time;
 * `--heap-snapshot-at` writes a heap snapshot at the probe nearest that instant (ADR 0072, 0074).
 * `--reads-by-key` adds the DynamoDB read units per contract-month by operation and key prefix.
 * Figures are printed, never asserted (benchmarks are not tests).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as z from "zod";
import {
  awsConfig,
  makeDocumentClient,
  makeDynamoDbClient,
  resetAwsClients,
} from "../functions/adapters/aws-config";
import { configuredLogLevel, logger } from "../functions/adapters/logger";
import { putUsage } from "../functions/adapters/usage-store";
import { putContractUnderWatch } from "../functions/app/contracts";
import { loadContract } from "../functions/core/contract";
import { nextPeriod, startOfDay } from "../functions/core/time";
import { startEmbeddedApp } from "../infra/local/app";
import { localTemplate } from "../infra/local/template-cache";
import { generateUsage } from "../infra/local/usage-generator";
import { START_CYCLES_LABEL } from "../workflows/monthly-kickoff";
import { CycleCheck, checkInstant, readCycles } from "./scale-cycles";
import { liveMemory, sampleMemory, traceLiveMemory } from "./scale-memory";
import {
  busyMs,
  type DynamoDbMeter,
  type FunctionMeter,
  meterLambdas,
  type S3Meter,
  startDynamoDbMeter,
  startS3Meter,
} from "./scale-meters";
import { ScaleParties } from "./scale-party";

const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const usage =
  "npm run bench:scale -- --contracts <N> [--months <M>] [--voice-calls <V>] [--sms <S>] [--lambda-concurrency <C>] [--trace-memory <hours> [--heap-snapshot-at <ISO instant>]] [--reads-by-key] [--json]";

const pricesSchema = z.object({
  readOn: z.string(),
  region: z.string(),
  stepFunctions: z.object({ standardPerStateTransition: z.number() }),
  lambda: z.object({ armPerGbSecond: z.number(), perRequest: z.number() }),
  dynamodb: z.object({ onDemandPerWriteRequestUnit: z.number(), onDemandPerReadRequestUnit: z.number() }),
  ses: z.object({
    perOutboundMessage: z.number(),
    perInboundMessage: z.number(),
    perInbound256KbChunk: z.number(),
  }),
  s3: z.object({ perPutCopyPostListRequest: z.number(), perGetRequest: z.number() }),
});

const functionMemory = z.object({
  Type: z.literal("AWS::Lambda::Function"),
  Properties: z.object({ FunctionName: z.string(), MemorySize: z.number() }),
});

function options() {
  try {
    const { values } = parseArgs({
      options: {
        contracts: { type: "string" },
        months: { type: "string", default: "1" },
        "voice-calls": { type: "string", default: "200" },
        sms: { type: "string", default: "20" },
        "lambda-concurrency": { type: "string", default: "1000" },
        "trace-memory": { type: "string" },
        "heap-snapshot-at": { type: "string" },
        "reads-by-key": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
      },
      strict: true,
    });
    const whole = (name: string, text: string | undefined, min: number) => {
      if (text === undefined || !/^\d+$/.test(text) || Number(text) < min)
        throw new Error(`--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(text)}`);
      return Number(text);
    };
    const instant = (name: string, text: string | undefined) => {
      if (text === undefined) return undefined;
      if (Number.isNaN(Date.parse(text)))
        throw new Error(`--${name} must be an ISO 8601 instant, got ${JSON.stringify(text)}`);
      return new Date(text);
    };
    return {
      contracts: whole("contracts", values.contracts, 1),
      months: whole("months", values.months, 1),
      voiceCalls: whole("voice-calls", values["voice-calls"], 0),
      sms: whole("sms", values.sms, 0),
      lambdaConcurrency: whole("lambda-concurrency", values["lambda-concurrency"], 1),
      traceMemoryHours:
        values["trace-memory"] === undefined ? undefined : whole("trace-memory", values["trace-memory"], 1),
      heapSnapshotAt: instant("heap-snapshot-at", values["heap-snapshot-at"]),
      readsByKey: values["reads-by-key"] ?? false,
      json: values.json ?? false,
    };
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: ${usage}\n`);
    process.exit(2);
  }
}

async function main() {
  const opts = options();
  const say = (line: string) =>
    process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);
  const t0 = performance.now();
  process.env.CONTRACT_OPS_LOG_LEVEL ??= "error";
  // The staff's operations run in this process outside any handler: their logger takes the level too (it was
  // read when the module loaded, and their "email sent" lines went to stdout between the report's).
  logger.setLogLevel(configuredLogLevel());
  // As in `npm start`: no EMF lines on stdout, which --json keeps for the report alone.
  process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
  const prices = pricesSchema.parse(
    JSON.parse(await readFile(join(repoRoot, "bench/aws-prices.json"), "utf8")),
  );
  const { template } = await localTemplate(repoRoot);
  const memoryMb = new Map<string, number>();
  for (const resource of Object.values((template as { Resources: Record<string, unknown> }).Resources)) {
    const parsed = functionMemory.safeParse(resource);
    if (parsed.success)
      memoryMb.set(
        parsed.data.Properties.FunctionName.replace(/^ContractOps-/, ""),
        parsed.data.Properties.MemorySize,
      );
  }

  const sample = await loadContract(join(repoRoot, "contracts/11NA0700211920254001.json"));
  // The first month billed in full (R-TRIAL-1: usage before billingStartsOn is rated at zero).
  const firstPeriod = sample.rules.billingStartsOn.value.slice(0, 7);
  const periods: string[] = [];
  for (let p = firstPeriod; periods.length < opts.months; p = nextPeriod(p)) periods.push(p);
  const lastPeriod = periods.at(-1) as string;
  const start = startOfDay(`${nextPeriod(firstPeriod)}-01`);
  const end = startOfDay(`${nextPeriod(nextPeriod(lastPeriod))}-01`);
  const contractIds = Array.from(
    { length: opts.contracts },
    (_, i) => `SCALE${String(i + 1).padStart(7, "0")}`,
  );

  const lambdas = new Map<string, FunctionMeter>();
  const dynamo: DynamoDbMeter = {
    requests: 0,
    readUnits: 0,
    writeUnits: 0,
    unreported: 0,
    ...(opts.readsByKey ? { readUnitsByKey: new Map<string, number>() } : {}),
  };
  const s3: S3Meter = { putCopyPostList: 0, getAndOther: 0 };
  const scratch = await mkdtemp(join(tmpdir(), "contract-ops-scale-"));
  // The table and the buckets on disk (LevelDB, files), as DynamoDB and S3 keep them outside the process: in
  // memory, dynalite's data alone grew this process by about 0.2 MB per contract.
  const app = await startEmbeddedApp({
    start,
    dataDir: join(scratch, "data"),
    wrapLambda: meterLambdas(lambdas),
    lambdaConcurrency: opts.lambdaConcurrency,
  });
  const dynamoProxy = await startDynamoDbMeter(app.stack.endpoints.dynamodb, dynamo);
  const s3Proxy = await startS3Meter(app.stack.endpoints.s3, s3);
  // The cycle check reads the table itself, not through the meter: its reads are not the monthly run's.
  const config = awsConfig();
  const unmeteredClient = makeDynamoDbClient({
    ...config,
    endpoints: { ...config.endpoints, dynamodb: app.stack.endpoints.dynamodb },
  });
  const unmetered = makeDocumentClient(unmeteredClient);
  const readCyclesUnmetered = (period: string) =>
    readCycles(unmetered, config.tableName, contractIds, period);
  process.env.CONTRACT_OPS_DYNAMODB_ENDPOINT = dynamoProxy.endpoint;
  process.env.CONTRACT_OPS_S3_ENDPOINT = s3Proxy.endpoint;
  resetAwsClients();
  const parties = new ScaleParties(app, sample);
  try {
    const setupStart = performance.now();
    for (const [index, period] of periods.entries()) {
      const generated = await generateUsage({
        contract: sample,
        period,
        seed: 20250715 + index,
        voiceCalls: opts.voiceCalls,
        smsMessages: opts.sms,
        outDir: scratch,
      });
      const voice = await readFile(generated.voicePath);
      const sms = await readFile(generated.smsPath);
      await inPool(contractIds, async (contractId) => {
        await putUsage(contractId, period, "voice", voice);
        await putUsage(contractId, period, "sms", sms);
      });
    }
    await inPool(contractIds, (contractId) => putContractUnderWatch({ ...sample, contractId }));
    const setupSeconds = (performance.now() - setupStart) / 1000;
    say(
      `setup: ${opts.contracts} contracts and ${opts.contracts * periods.length * 2} usage files in ${setupSeconds.toFixed(1)} s`,
    );
    // Setup traffic is not the monthly run's: count from here.
    Object.assign(dynamo, { requests: 0, readUnits: 0, writeUnits: 0, unreported: 0 });
    dynamo.readUnitsByKey?.clear();
    Object.assign(s3, { putCopyPostList: 0, getAndOther: 0 });
    lambdas.clear();

    parties.start(start, end);
    const cycles = new CycleCheck(contractIds, periods);
    for (const period of periods)
      app.clock.schedule(checkInstant(period), async () =>
        cycles.recordAsTheyClosed(period, await readCyclesUnmetered(period)),
      );
    const runStart = performance.now();
    const memory = sampleMemory(() => app.clock.now(), opts.traceMemoryHours !== undefined);
    if (opts.traceMemoryHours !== undefined)
      traceLiveMemory(app, start, end, opts.traceMemoryHours, opts.heapSnapshotAt, say);
    await app.clock.runUntil(end);
    memory.stop();
    const liveAfterRun = liveMemory();
    const runSeconds = (performance.now() - runStart) / 1000;
    say(`run: ${periods.length} month(s) of virtual time in ${runSeconds.toFixed(1)} s`);

    // Every cycle correct: closed, and the same bill for the same usage in every contract — counted from the
    // reads made as the cycles closed where TTL has since deleted them (R-RETAIN-1; scale-cycles.ts).
    for (const period of periods) cycles.recordAtEnd(period, await readCyclesUnmetered(period));
    const verdict = cycles.verdict();
    const contractMonths = verdict.contractMonths;

    // Executions and their histories, as GetExecutionHistory returns them.
    let transitions = 0;
    let largest = { events: 0, execution: "" };
    let executions = 0;
    const machines = [
      ...Object.values(app.stateMachineArns),
      `${app.stateMachineArns.monthlyKickoff}/${START_CYCLES_LABEL}`,
    ];
    for (const stateMachineArn of machines) {
      let nextToken: string | undefined;
      do {
        const page = await app.stepFunctions.listExecutions({
          stateMachineArn,
          maxResults: 1000,
          ...(nextToken ? { nextToken } : {}),
        });
        for (const execution of page.executions) {
          executions++;
          let events = 0;
          let historyToken: string | undefined;
          do {
            const history = await app.stepFunctions.getExecutionHistory({
              executionArn: execution.executionArn,
              maxResults: 1000,
              ...(historyToken ? { nextToken: historyToken } : {}),
            });
            events += history.events.length;
            transitions += history.events.filter((e) => e.type.endsWith("StateEntered")).length;
            historyToken = history.nextToken;
          } while (historyToken);
          if (events > largest.events) largest = { events, execution: execution.name };
        }
        nextToken = page.nextToken;
      } while (nextToken);
    }

    const emailsSent = (await app.stack.sentEmails({ bodies: false })).length;
    const inbound = lambdas.get("inbound-reply")?.invocations ?? 0;
    let invocations = 0;
    let gbSeconds = 0;
    for (const [name, meter] of lambdas) {
      invocations += meter.invocations;
      // Invocations overlap in this one process, so each one's wall time counts the others' work too;
      // the time the function was busy at all, shared among its invocations, is the serial estimate.
      gbSeconds += (busyMs(meter.spans) / 1000) * ((memoryMb.get(name) ?? 512) / 1024);
    }
    const per = (n: number) => n / contractMonths;
    const phase = (names: string[], handled: number) => {
      const spans = names.flatMap((n) => lambdas.get(n)?.spans ?? []);
      const seconds = busyMs(spans) / 1000;
      return {
        seconds: round(seconds, 2),
        contractsPerSecond: seconds > 0 ? round(handled / seconds, 1) : null,
      };
    };
    const cost = {
      stepFunctions: transitions * prices.stepFunctions.standardPerStateTransition,
      lambda: gbSeconds * prices.lambda.armPerGbSecond + invocations * prices.lambda.perRequest,
      dynamodb:
        dynamo.readUnits * prices.dynamodb.onDemandPerReadRequestUnit +
        dynamo.writeUnits * prices.dynamodb.onDemandPerWriteRequestUnit,
      ses:
        emailsSent * prices.ses.perOutboundMessage +
        inbound * (prices.ses.perInboundMessage + prices.ses.perInbound256KbChunk),
      s3: s3.putCopyPostList * prices.s3.perPutCopyPostListRequest + s3.getAndOther * prices.s3.perGetRequest,
    };
    const totalCost = Object.values(cost).reduce((a, b) => a + b, 0);
    const report = {
      command: `npm run bench:scale -- --contracts ${opts.contracts} --months ${opts.months} --voice-calls ${opts.voiceCalls} --sms ${opts.sms} --lambda-concurrency ${opts.lambdaConcurrency}${opts.readsByKey ? " --reads-by-key" : ""}`,
      contracts: opts.contracts,
      months: periods.length,
      periods,
      correct: { ...verdict, operationsRefused: Object.fromEntries(parties.refused) },
      wallSeconds: { setup: round(setupSeconds, 1), run: round(runSeconds, 1) },
      phases: {
        kickoff: phase(["list-active-contracts", "start-monthly-cycle"], contractMonths),
        billsPrepared: phase(["prepare-bill"], contractMonths),
        emailsSent: phase(["send-bill"], contractMonths),
        repliesHandled: phase(["inbound-reply"], inbound),
      },
      peakRssMb: round(process.resourceUsage().maxRSS / 1024, 0),
      // Where the run's highest sampled RSS was, in virtual time, and how much of it was the JS heap.
      peakRssDuringRun: memory.peak,
      // What the process still holds once the run is over, after full garbage collections.
      liveAfterRun,
      largestHistory: largest,
      executions,
      perContractMonth: {
        stateTransitions: round(per(transitions), 1),
        lambdaInvocations: round(per(invocations), 2),
        lambdaGbSeconds: round(per(gbSeconds), 3),
        dynamoDbReadUnits: round(per(dynamo.readUnits), 1),
        dynamoDbWriteUnits: round(per(dynamo.writeUnits), 1),
        dynamoDbRequests: round(per(dynamo.requests), 1),
        sesMessagesOut: round(per(emailsSent), 2),
        sesMessagesIn: round(per(inbound), 2),
        s3PutListRequests: round(per(s3.putCopyPostList), 2),
        s3GetRequests: round(per(s3.getAndOther), 2),
      },
      dynamoDbRequestsWithoutCapacity: dynamo.unreported,
      ...(dynamo.readUnitsByKey
        ? {
            dynamoDbReadUnitsByKeyPerContractMonth: Object.fromEntries(
              [...dynamo.readUnitsByKey]
                .sort((a, b) => b[1] - a[1])
                .map(([key, units]) => [key, round(per(units), 2)]),
            ),
          }
        : {}),
      lambdaByFunction: Object.fromEntries(
        [...lambdas].map(([name, m]) => [
          name,
          { invocations: m.invocations, serialMsEach: round(busyMs(m.spans) / m.invocations, 1) },
        ]),
      ),
      awsCostPerContractMonthUsd: {
        ...Object.fromEntries(Object.entries(cost).map(([k, v]) => [k, round(per(v), 6)])),
        total: round(per(totalCost), 6),
        prices: `bench/aws-prices.json (${prices.region}, read ${prices.readOn})`,
      },
    };
    if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(renderText(report));
  } finally {
    parties.close();
    // The document client's destroy does nothing: its base client holds the sockets.
    unmeteredClient.destroy();
    await app.stop();
    await dynamoProxy.close();
    await s3Proxy.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Runs `work` on every item, eight at a time (setup only: the run itself is driven by the schedule). */
async function inPool<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function renderText(report: Record<string, unknown>): string {
  return `${JSON.stringify(report, null, 2)
    .split("\n")
    .filter((line) => !/^\s*[{}\]],?$/.test(line))
    .map((line) => line.replace(/"/g, ""))
    .join("\n")}\n`;
}

await main();
