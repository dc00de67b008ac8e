/**
 * `npm run bench [-- --voice-rows N --sms-rows N --baseline-rows N --runs N --keep]`
 *
 * Writes a voice CDR (default 10,000,000 rows) and an SMS log (default 5,000,000 rows, content averaging 60
 * Chinese characters) under bench/data/, rates each from CSV with the streaming parser, and prints rows/s,
 * MB/s and peak RSS, then the same for a naive baseline (whole file in memory as one string, split per line,
 * a Date and a Decimal per record) and the speed ratio. Each measurement runs in its own child process so its
 * peak RSS is its own. Figures are printed, never asserted (targets: voice ≥ 2,000,000 rows/s, SMS ≥
 * 1,000,000 rows/s, peak RSS < 300 MB whatever the file size).
 *
 * The baseline reads at most --baseline-rows rows (default 500,000 voice / 250,000 SMS) from a prefix
 * file: a whole 10-million-row file does not even fit in one V8 string (max ~512 M characters), which is
 * the point of streaming.
 *
 * In the same run, on the same files: csv-parse (the ecosystem's standard streaming CSV parser) with the
 * naive baseline's per-record rating, on the baseline prefix, and a bare line-feed count of the full files
 * (the practical ceiling of reading them in Node); the ratios are printed.
 *
 * A single run's figure swings with the load of the shared machine, so every reader runs --runs times
 * (default 5), interleaved round by round after a warm-up read of every file (each streaming reader right
 * beside its newline scan), and each figure and each ratio (taken within a round) is printed as the median
 * with its min–max; the load average is printed with them.
 * Files kept by --keep are read again by the next run instead of being written anew (the writers are seeded).
 */
import { fork } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import os from "node:os";
import { parseArgs } from "node:util";
import { parse } from "csv-parse";
import Decimal from "decimal.js";
import { loadContract } from "../functions/core/contract";
import { rateUsage } from "../functions/core/rating";
import { prefixFile, writeSms, writeVoice } from "./rating-data";

const PERIOD = "2025-09";
const CONTRACT = new URL("../contracts/11NA0700211920254001.json", import.meta.url).pathname;
const DATA_DIR = new URL("./data/", import.meta.url).pathname;

type ChildMode = "stream" | "naive" | "csv-parse" | "newline-scan";
type Measurement = { rows: number; bytes: number; ms: number; peakRssBytes: number; total: string };

// ---------------------------------------------------------------- measurements (run in child processes)

async function measureStreaming(kind: "voice" | "sms", path: string): Promise<Measurement> {
  const contract = await loadContract(CONTRACT);
  const started = performance.now();
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  const statement = await rateUsage({ contract, period: PERIOD, [kind]: stream });
  const ms = performance.now() - started;
  const rows = kind === "voice" ? statement.usage.voiceRecords : statement.usage.smsRecords;
  return {
    rows,
    bytes: statSync(path).size,
    ms,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    total: statement.total,
  };
}

/** The ordinary per-record rating of the comparisons: a Date and a Decimal per record. */
async function ordinaryRater(kind: "voice" | "sms") {
  const contract = await loadContract(CONTRACT);
  const service = contract.services.find((s) => s.service === (kind === "voice" ? "voice-outbound" : "sms"));
  const price = new Decimal(service?.unitPrice ?? "0");
  const periodStart = new Date("2025-09-01T00:00:00+08:00");
  const periodEnd = new Date("2025-10-01T00:00:00+08:00");
  let total = new Decimal(0);
  let rows = 0;
  return {
    /** `content` without its CSV quotes (csv-parse removes them, a plain split does not). */
    add(fields: string[]): void {
      rows++;
      const at = new Date(fields[0] ?? "");
      if (Number.isNaN(at.getTime()) || at < periodStart || at >= periodEnd) return;
      if (kind === "voice") {
        if (fields[2] !== "outbound") return;
        total = total.plus(new Decimal(Math.ceil(Number(fields[1]) / 60)).times(price));
      } else {
        if (fields[2] !== "downlink") return;
        const chars = [...(fields[3] ?? "").replace(/^"|"$/g, "")].length;
        const signed = chars + 6;
        total = total.plus(new Decimal(signed <= 70 ? 1 : Math.ceil(signed / 70)).times(price));
      }
    },
    result: () => ({ rows, total: total.toFixed(2) }),
  };
}

/** The naive way: the whole file as one string, split, a Date and a Decimal per record. */
async function measureNaive(kind: "voice" | "sms", path: string): Promise<Measurement> {
  const rater = await ordinaryRater(kind);
  const started = performance.now();
  const text = await readFile(path, "utf8");
  for (const line of text.split("\n").slice(1)) {
    if (line !== "") rater.add(line.split(","));
  }
  const ms = performance.now() - started;
  const { rows, total } = rater.result();
  return {
    rows,
    bytes: Buffer.byteLength(text),
    ms,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    total,
  };
}

/** The ecosystem's standard streaming parser (csv-parse) feeding the same per-record rating. */
async function measureCsvParse(kind: "voice" | "sms", path: string): Promise<Measurement> {
  const rater = await ordinaryRater(kind);
  const started = performance.now();
  const records = createReadStream(path, { highWaterMark: 1 << 20 }).pipe(
    parse({ from_line: 2, relax_column_count: true }),
  ) as AsyncIterable<string[]>;
  for await (const fields of records) rater.add(fields);
  const ms = performance.now() - started;
  const { rows, total } = rater.result();
  return { rows, bytes: statSync(path).size, ms, peakRssBytes: process.resourceUsage().maxRSS * 1024, total };
}

/** The practical ceiling: the file streamed and its line feeds counted, nothing parsed. */
async function measureNewlineScan(path: string): Promise<Measurement> {
  const started = performance.now();
  let lines = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
  }
  const ms = performance.now() - started;
  return {
    rows: lines - 1,
    bytes: statSync(path).size,
    ms,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    total: "-",
  };
}

function runChild(mode: ChildMode, kind: string, path: string): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(import.meta.url).pathname, ["--child", mode, kind, path], {
      stdio: "inherit",
    });
    let result: Measurement | undefined;
    child.on("message", (message) => {
      result = message as Measurement;
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      result ? resolve(result) : reject(new Error(`${mode} ${kind} child exited with ${code}`)),
    );
  });
}

// ---------------------------------------------------------------- main

const mb = (bytes: number) => bytes / 1_000_000;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const loadAverage = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(" / ");

/** The middle value (the lower of the two middle ones for an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1] as number;
}

/** `median (min–max)` of a series, each value formatted by `show`. */
function spread(values: readonly number[], show: (n: number) => string): string {
  return `${show(median(values))} (${show(Math.min(...values))}–${show(Math.max(...values))})`;
}

type Reader = { label: string; mode: ChildMode; kind: "voice" | "sms"; path: string };

function report(label: string, runs: readonly Measurement[]): string[] {
  // The run of median rows/s (as `median`) stands for the reader; rows/s min–max is the spread over all runs.
  const run = [...runs].sort((a, b) => a.rows / a.ms - b.rows / b.ms)[(runs.length - 1) >> 1] as Measurement;
  const seconds = run.ms / 1000;
  const rates = runs.map((m) => (m.rows * 1000) / m.ms);
  return [
    label,
    fmt(run.rows),
    fmt(mb(run.bytes), 1),
    fmt(seconds, 2),
    fmt(run.rows / seconds),
    `${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))}`,
    fmt(mb(run.bytes) / seconds, 1),
    fmt(mb(Math.max(...runs.map((m) => m.peakRssBytes))), 1),
    [...new Set(runs.map((m) => m.total))].join(" ≠ "),
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "voice-rows": { type: "string", default: "10000000" },
      "sms-rows": { type: "string", default: "5000000" },
      "baseline-rows": { type: "string" },
      runs: { type: "string", default: "5" },
      keep: { type: "boolean", default: false },
    },
  });
  const voiceRows = Number(values["voice-rows"]);
  const smsRows = Number(values["sms-rows"]);
  const voiceBaselineRows = Math.min(voiceRows, Number(values["baseline-rows"] ?? 500_000));
  const smsBaselineRows = Math.min(smsRows, Number(values["baseline-rows"] ?? 250_000));
  const runs = Number(values.runs);
  if (
    ![voiceRows, smsRows, voiceBaselineRows, smsBaselineRows, runs].every(
      (n) => Number.isSafeInteger(n) && n > 0,
    )
  ) {
    process.stderr.write(
      "usage: npm run bench -- [--voice-rows N] [--sms-rows N] [--baseline-rows N] [--runs N] [--keep]\n",
    );
    process.exitCode = 2;
    return;
  }
  mkdirSync(DATA_DIR, { recursive: true });
  const voicePath = `${DATA_DIR}voice-${voiceRows}.csv`;
  const smsPath = `${DATA_DIR}sms-${smsRows}.csv`;
  const voicePrefix = `${DATA_DIR}voice-baseline-${voiceBaselineRows}.csv`;
  const smsPrefix = `${DATA_DIR}sms-baseline-${smsBaselineRows}.csv`;

  let t = performance.now();
  // The writers are seeded, so a file kept by an earlier --keep run is the same file: it is read again.
  const reused = [voicePath, smsPath, voicePrefix, smsPrefix].every((path) => existsSync(path));
  if (!reused) {
    writeVoice(voicePath, voiceRows);
    writeSms(smsPath, smsRows);
    await prefixFile(voicePath, voicePrefix, voiceBaselineRows);
    await prefixFile(smsPath, smsPrefix, smsBaselineRows);
  }
  process.stdout.write(
    `${reused ? "reused the kept" : "generated"} ${fmt(voiceRows)} voice rows (${fmt(mb(statSync(voicePath).size), 1)} MB) and ${fmt(smsRows)} SMS rows (${fmt(mb(statSync(smsPath).size), 1)} MB) in ${fmt((performance.now() - t) / 1000, 1)} s\n`,
  );

  // csv-parse and the naive baseline read the prefixes (csv-parse is tens of times slower; the naive
  // baseline holds its whole file); the streaming rating and the newline scan the same full files.
  const readers: Reader[] = [
    { label: "voice streaming", mode: "stream", kind: "voice", path: voicePath },
    { label: "sms streaming", mode: "stream", kind: "sms", path: smsPath },
    { label: "voice naive baseline", mode: "naive", kind: "voice", path: voicePrefix },
    { label: "sms naive baseline", mode: "naive", kind: "sms", path: smsPrefix },
    { label: "voice csv-parse + rating", mode: "csv-parse", kind: "voice", path: voicePrefix },
    { label: "sms csv-parse + rating", mode: "csv-parse", kind: "sms", path: smsPrefix },
    { label: "voice newline scan", mode: "newline-scan", kind: "voice", path: voicePath },
    { label: "sms newline scan", mode: "newline-scan", kind: "sms", path: smsPath },
  ];
  const loadBefore = loadAverage();
  t = performance.now();
  // Warm-up, not counted: every file read once, so each measured run finds it in the page cache.
  for (const path of [voicePath, smsPath, voicePrefix, smsPrefix])
    await runChild("newline-scan", "voice", path);
  // Interleaved: each round runs every reader once, in pairs, the pairs starting one later than the round
  // before, so that a change in the machine's load falls on all readers alike. Each streaming reader runs right
  // beside its newline scan (their ratio is the one with the tight target), first or second in turn.
  const byLabel = (label: string) => readers.find((r) => r.label === label) as Reader;
  const pairs = [
    ["voice streaming", "voice newline scan"],
    ["sms streaming", "sms newline scan"],
    ["voice csv-parse + rating", "sms csv-parse + rating"],
    ["voice naive baseline", "sms naive baseline"],
  ].map(([a, b]) => [byLabel(a as string), byLabel(b as string)] as const);
  const measured = new Map<string, Measurement[]>(readers.map((r) => [r.label, []]));
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < pairs.length; k++) {
      const [first, second] = pairs[(round + k) % pairs.length] as readonly [Reader, Reader];
      for (const reader of round % 2 === 0 ? [first, second] : [second, first]) {
        measured.get(reader.label)?.push(await runChild(reader.mode, reader.kind, reader.path));
      }
    }
  }
  const loadAfter = loadAverage();
  const runsOf = (label: string) => measured.get(label) ?? [];

  const header = ["run", "rows", "MB", "s", "rows/s", "rows/s min–max", "MB/s", "peak RSS MB", "total CNY"];
  const rows = readers.map((r) => report(r.label, runsOf(r.label)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const render = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  process.stdout.write(`${render(header)}\n${rows.map(render).join("\n")}\n`);

  const rates = (label: string) => runsOf(label).map((m) => (m.rows * 1000) / m.ms);
  /** Per round: reader a's rows/s over reader b's, both measured in that round. */
  const ratios = (a: string, b: string) => {
    const bs = rates(b);
    return rates(a).map((rate, round) => rate / (bs[round] as number));
  };
  const times = (n: number) => `${fmt(n, 1)}×`;
  const percent = (n: number) => `${fmt(100 * n, 0)} %`;
  const rowsPerSecond = (n: number) => fmt(n);
  const peak = (label: string) => fmt(mb(Math.max(...runsOf(label).map((m) => m.peakRssBytes))), 1);
  process.stdout.write(
    `${[
      `median of ${runs} interleaved runs per reader (min–max in brackets), warm-up excluded; each in its own process`,
      `voice: ${spread(rates("voice streaming"), rowsPerSecond)} rows/s (target ≥ 2,000,000), ${spread(ratios("voice streaming", "voice naive baseline"), times)} the naive baseline`,
      `sms:   ${spread(rates("sms streaming"), rowsPerSecond)} rows/s (target ≥ 1,000,000), ${spread(ratios("sms streaming", "sms naive baseline"), times)} the naive baseline`,
      `voice: ${spread(ratios("voice streaming", "voice csv-parse + rating"), times)} csv-parse (target ≥ 8×), ${spread(ratios("voice streaming", "voice newline scan"), percent)} of the newline scan (target ≥ 60 %)`,
      `sms:   ${spread(ratios("sms streaming", "sms csv-parse + rating"), times)} csv-parse, ${spread(ratios("sms streaming", "sms newline scan"), percent)} of the newline scan`,
      `peak RSS: voice ${peak("voice streaming")} MB, sms ${peak("sms streaming")} MB (target < 300 MB)`,
      `load average (1 / 5 / 15 min, ${os.availableParallelism()} CPUs): ${loadBefore} before, ${loadAfter} after`,
      `measurements took ${fmt((performance.now() - t) / 1000, 1)} s; node ${process.version}`,
    ].join("\n")}\n`,
  );

  if (!values.keep) {
    for (const path of [voicePath, smsPath, voicePrefix, smsPrefix]) rmSync(path, { force: true });
  } else {
    process.stdout.write(`kept data in ${DATA_DIR}\n`);
  }
}

const childIndex = process.argv.indexOf("--child");
if (childIndex >= 0) {
  const [mode, kind, path] = process.argv.slice(childIndex + 1) as [ChildMode, "voice" | "sms", string];
  const result =
    mode === "stream"
      ? await measureStreaming(kind, path)
      : mode === "naive"
        ? await measureNaive(kind, path)
        : mode === "csv-parse"
          ? await measureCsvParse(kind, path)
          : await measureNewlineScan(path);
  process.send?.(result);
} else {
  await main();
}
