/**
 * `npm run bench:reply-limits`: hostile messages up to SES's 40 MB receiving limit (ADR 0030). Each case
 * runs in its own child process so that its peak RSS is its own; it is decided the way the inbound path
 * does — header section read strictly (readHeaderSection), then the body parsed under the limits
 * (decideReply) — and the wall time and peak RSS are printed. Figures are printed, never asserted
 * (target: every case decided in < 2 s with < 512 MB).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { decideReply } from "../functions/core/reply/decide";
import { readHeaderSection } from "../functions/core/reply/headers";

const MB = 1024 * 1024;
const HEAD = [
  "From: mali@partya.example",
  "To: reply+abcdefghijklmnopqrstuvwxyz@reply.contract-ops.localhost",
  "Subject: bench",
  "Date: Thu, 09 Oct 2025 10:00:00 +0800",
  "Message-ID: <bench@partya.example>",
  "MIME-Version: 1.0",
].join("\r\n");

function nested(depth: number): string {
  let body = 'Content-Type: text/plain; charset="utf-8"\r\n\r\n确认\r\n';
  for (let d = depth; d > 0; d--) {
    body = `Content-Type: multipart/mixed; boundary*0="b${d}"; boundary*1="x"\r\n\r\n--b${d}x\r\n${body}\r\n--b${d}x--\r\n`;
  }
  return body;
}

/** Each case builds a message of about `size` bytes. */
const CASES: Record<string, () => Buffer> = {
  "28 MB of bare newlines (text body)": () =>
    Buffer.from(`${HEAD}\r\nContent-Type: text/plain\r\n\r\n${"\n".repeat(28 * MB)}`),
  "40 MB of bare newlines (text body)": () =>
    Buffer.from(`${HEAD}\r\nContent-Type: text/plain\r\n\r\n${"\n".repeat(40 * MB - 400)}`),
  "40 MB header section (folded lines)": () =>
    Buffer.from(`${HEAD}\r\nX-Fold: a${"\r\n b".repeat(10 * MB - 100)}\r\n\r\nok`),
  "39 MB base64 attachment + short reply": () =>
    Buffer.from(
      `${HEAD}\r\nContent-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n确认无误\r\n--m\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n${"QUJD".repeat(Math.floor(9.5 * MB)).replace(/(.{76})/g, "$1\r\n")}\r\n--m--\r\n`,
    ),
  "39 MB of HTML text": () =>
    Buffer.from(
      `${HEAD}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${"<div>确认</div>".repeat(2_300_000)}`,
    ),
  "10,000 sibling parts": () =>
    Buffer.from(
      `${HEAD}\r\nContent-Type: multipart/mixed; boundary="s"\r\n\r\n${"--s\r\nContent-Type: text/plain\r\n\r\nx\r\n".repeat(10_000)}--s--\r\n`,
    ),
  "1,000 levels nested with split boundary*0=": () =>
    Buffer.from(
      `${HEAD}\r\nContent-Type: multipart/mixed; boundary="b0x"\r\n\r\n--b0x\r\n${nested(1000)}\r\n--b0x--\r\n`,
    ),
};

async function runCase(name: string): Promise<void> {
  const build = CASES[name];
  if (!build) throw new Error(`unknown case ${name}`);
  const raw = build();
  const started = process.hrtime.bigint();
  const headers = readHeaderSection(raw);
  const { decision, parsed } = await decideReply(raw, "4000.30");
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    `${JSON.stringify({ name, bytes: raw.length, ms, rssMb, headersComplete: headers.complete, decision: decision.decision, problems: parsed.problems })}\n`,
  );
}

const caseArg = process.argv.indexOf("--case");
if (caseArg >= 0) {
  await runCase(process.argv[caseArg + 1] ?? "");
} else {
  const self = fileURLToPath(import.meta.url);
  const rows: string[] = [];
  for (const name of Object.keys(CASES)) {
    const out = execFileSync(process.execPath, ["--import", "tsx", self, "--case", name], {
      encoding: "utf8",
    });
    const r = JSON.parse(out) as {
      bytes: number;
      ms: number;
      rssMb: number;
      decision: string;
      problems: string[];
    };
    rows.push(
      `| ${name} | ${(r.bytes / MB).toFixed(1)} MB | ${r.ms.toFixed(0)} ms | ${r.rssMb.toFixed(0)} MB | ${r.decision}: ${r.problems.join("; ") || "(none)"} |`,
    );
  }
  process.stdout.write(
    `${[
      "| Message | Size | Decided in | Peak RSS (process) | Outcome |",
      "| --- | --- | --- | --- | --- |",
      ...rows,
      "target: each < 2 s and < 512 MB",
    ].join("\n")}\n`,
  );
}
