/** Record-by-record views of usage streams (convenience; rating uses the visitor form). */

import type { CsvRejection, UsageCsvOptions } from "./format";
import { SmsCsvParser } from "./sms-parser";
import { VoiceCsvParser } from "./voice-parser";

export type VoiceRecord = {
  kind: "call";
  line: number;
  callStartMs: number;
  durationSeconds: number;
  direction: "outbound" | "inbound";
};
export type SmsRecord = {
  kind: "message";
  line: number;
  sentAtMs: number;
  contentChars: number;
  direction: "downlink" | "uplink";
};
export type RejectedRecord = { kind: "rejected" } & CsvRejection;

/** Feeds a stream to a parser and yields what its visitor collected after each chunk. */
async function* drain<T>(
  source: AsyncIterable<Uint8Array>,
  parser: { push(chunk: Uint8Array): void; end(): void },
  pending: T[],
): AsyncGenerator<T> {
  for await (const chunk of source) {
    parser.push(chunk);
    yield* pending.splice(0);
  }
  parser.end();
  yield* pending.splice(0);
}

/** Record-by-record view of a voice CDR stream (convenience; rating uses the visitor form). */
export async function* voiceCsvRecords(
  source: AsyncIterable<Uint8Array>,
  options: UsageCsvOptions = {},
): AsyncGenerator<VoiceRecord | RejectedRecord> {
  const pending: Array<VoiceRecord | RejectedRecord> = [];
  const parser = new VoiceCsvParser(
    {
      call: (callStartMs, durationSeconds, outbound, line) =>
        pending.push({
          kind: "call",
          line,
          callStartMs,
          durationSeconds,
          direction: outbound ? "outbound" : "inbound",
        }),
      reject: (line, reason) => pending.push({ kind: "rejected", line, reason }),
    },
    options,
  );
  yield* drain(source, parser, pending);
}

/** Record-by-record view of an SMS log stream; content is reduced to its character count. */
export async function* smsCsvRecords(
  source: AsyncIterable<Uint8Array>,
  options: UsageCsvOptions = {},
): AsyncGenerator<SmsRecord | RejectedRecord> {
  const pending: Array<SmsRecord | RejectedRecord> = [];
  const parser = new SmsCsvParser(
    {
      message: (sentAtMs, contentChars, downlink, line) =>
        pending.push({
          kind: "message",
          line,
          sentAtMs,
          contentChars,
          direction: downlink ? "downlink" : "uplink",
        }),
      reject: (line, reason) => pending.push({ kind: "rejected", line, reason }),
    },
    options,
  );
  yield* drain(source, parser, pending);
}
