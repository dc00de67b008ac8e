/**
 * `npm run bench:replies [-- --rounds N]`
 *
 * Parses and decides the whole reply corpus (test/fixtures/replies, R-RECON-1) N times (default 1,000)
 * through decideReply, the same path the inbound Lambda runs, one message after another, and prints
 * messages/s and the latency percentiles of single messages. Also checks every decision still matches the
 * manifest, so a fast but wrong build is visible. Figures are printed, never asserted (target ≥ 500
 * messages/s on the 2-core development machine).
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { decideReply } from "../functions/core/reply/decide";

interface ManifestEntry {
  file: string;
  bill: string;
  expected: { decision: string; amount: string | null; reasonCode: string };
}

const { values } = parseArgs({ options: { rounds: { type: "string", default: "1000" } } });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds must be a positive integer, got ${values.rounds}`);

const dir = new URL("../test/fixtures/replies/", import.meta.url);
const manifest = JSON.parse(await readFile(new URL("manifest.json", dir), "utf8")) as ManifestEntry[];
const corpus = await Promise.all(
  manifest.map(async (entry) => ({ entry, raw: await readFile(new URL(entry.file, dir)) })),
);

// Warm-up: JIT and the charset decoders, not part of the figures.
for (const { raw, entry } of corpus) await decideReply(raw, entry.bill);

const latenciesNs = new Float64Array(rounds * corpus.length);
let mismatches = 0;
let n = 0;
const started = process.hrtime.bigint();
for (let round = 0; round < rounds; round++) {
  for (const { raw, entry } of corpus) {
    const t0 = process.hrtime.bigint();
    const { decision } = await decideReply(raw, entry.bill);
    latenciesNs[n++] = Number(process.hrtime.bigint() - t0);
    if (decision.decision !== entry.expected.decision || decision.amount !== entry.expected.amount)
      mismatches++;
  }
}
const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
const sorted = latenciesNs.slice(0, n).sort();
const pct = (p: number) => (sorted[Math.min(n - 1, Math.floor((p / 100) * n))] ?? 0) / 1e6;
const bytes = corpus.reduce((sum, c) => sum + c.raw.length, 0) * rounds;

const report = [
  `reply corpus: ${corpus.length} messages × ${rounds} rounds = ${n} messages, ${(bytes / 1e6).toFixed(1)} MB`,
  `throughput:   ${Math.round(n / elapsedS)} messages/s (${(bytes / 1e6 / elapsedS).toFixed(1)} MB/s), ${elapsedS.toFixed(2)} s`,
  `latency:      p50 ${pct(50).toFixed(3)} ms, p90 ${pct(90).toFixed(3)} ms, p99 ${pct(99).toFixed(3)} ms, max ${((sorted[n - 1] ?? 0) / 1e6).toFixed(3)} ms`,
  `peak RSS:     ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  `decisions:    ${mismatches === 0 ? "all match the manifest" : `${mismatches} DO NOT match the manifest`}`,
  "target:       ≥ 500 messages/s",
];
process.stdout.write(`${report.join("\n")}\n`);
if (mismatches > 0) process.exitCode = 1;
