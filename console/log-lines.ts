/**
 * A Lambda log event as the execution page shows it — time, request id, level, message — whatever wrote
 * it (ADR 0092): Lambda's own START/END/REPORT lines, the Node.js runtime's text lines
 * (`<ISO time>\t<request id>\t<LEVEL>\t<message>`), Lambda's JSON log format (`requestId`), Powertools
 * Logger (`function_request_id`) and this project's JSON logger (no request id: the event's own is kept).
 */
import { maskedJson } from "./mask-json";

export interface LogLine {
  /** The log event's own time, as CloudWatch shows it (on the embedded stack, its virtual time). */
  timestamp: Date;
  requestId: string | null;
  level: string;
  message: string;
}

const PLATFORM = /^(START|END|REPORT) RequestId: ([0-9a-zA-Z-]+)/;
const TEXT = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z\t([0-9a-zA-Z-]+)\t([A-Z]+)\t([\s\S]*)$/;

function field(record: Record<string, unknown>, ...names: string[]): string | null {
  for (const name of names) {
    const value = record[name];
    if (typeof value === "string" && value !== "") return value;
  }
  return null;
}

/** Reads one event; `requestId` is the invocation the event was found for, when the line names none. */
export function readLogLine(
  event: { timestamp: number; message: string },
  requestId: string | null = null,
): LogLine {
  const timestamp = new Date(event.timestamp);
  const message = event.message.replace(/\n$/, "");
  const platform = PLATFORM.exec(message);
  if (platform) return { timestamp, requestId: platform[2] ?? null, level: platform[1] ?? "", message };
  const text = TEXT.exec(message);
  if (text) {
    return {
      timestamp,
      requestId: text[1] ?? null,
      level: text[2] ?? "",
      message: maskedJson(text[3] ?? ""),
    };
  }
  if (message.startsWith("{")) {
    try {
      const record = JSON.parse(message) as Record<string, unknown>;
      const rest = Object.fromEntries(
        Object.entries(record).filter(([key]) => !["level", "message", "timestamp", "time"].includes(key)),
      );
      const text = field(record, "message", "msg") ?? "";
      return {
        timestamp,
        requestId: field(record, "requestId", "function_request_id") ?? requestId,
        level: (field(record, "level") ?? "INFO").toUpperCase(),
        // The other fields stay visible, with tokens and personal numbers masked as in state data.
        message:
          Object.keys(rest).length > 0
            ? `${text} ${JSON.stringify(JSON.parse(maskedJson(JSON.stringify(rest))))}`
            : text,
      };
    } catch {
      // Not JSON after all: shown as written.
    }
  }
  return { timestamp, requestId, level: "", message: maskedJson(message) };
}

/**
 * The lines of one invocation among a log group's events for its time: Lambda runs one invocation at a
 * time per log stream, so the lines of a stream from `START RequestId: <id>` to `END RequestId: <id>` are
 * that invocation's, whether or not each names the id. Without a request id (a failed task reports none)
 * every invocation in the window is returned.
 */
export function invocationLines(
  events: readonly { logStreamName: string; timestamp: number; message: string }[],
  requestId: string | null,
): LogLine[] {
  const current = new Map<string, string | null>();
  const lines: LogLine[] = [];
  for (const event of events) {
    const line = readLogLine(event, current.get(event.logStreamName) ?? null);
    if (line.level === "START") current.set(event.logStreamName, line.requestId);
    const platform = PLATFORM.test(line.message);
    const owner = platform ? line.requestId : current.get(event.logStreamName);
    if (line.level === "END") current.set(event.logStreamName, null);
    if (owner === undefined || owner === null) continue;
    if (requestId === null || owner === requestId)
      lines.push({ ...line, requestId: line.requestId ?? owner });
  }
  return lines;
}
