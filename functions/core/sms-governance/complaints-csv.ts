/**
 * The complaints feed (用户投诉) that drives R-THROTTLE-1: a CSV with the header `received_at,port`, one
 * complaint per line. `received_at` is an ISO-8601 instant; without an offset it is Beijing time (the feed
 * comes from Party B's complaint desk in Jilin). The file may hold the whole history before the period.
 *
 * Unlike the usage files (millions of rows, rejections listed), this is a short register kept by hand or
 * exported by a person: a bad line refuses the file, naming the line, the field and the value.
 */

import { withoutBom } from "../text";
import { SHANGHAI_OFFSET } from "../time";

export const COMPLAINTS_HEADER = "received_at,port";

export interface Complaint {
  line: number;
  receivedAt: Date;
  port: string;
}

export class ComplaintsFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ComplaintsFileError";
  }
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const PORT = /^\d{3,21}$/;

function parseReceivedAt(text: string): Date | undefined {
  const match = INSTANT.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const probe = new Date(Date.UTC(y as number, (mo as number) - 1, d as number));
  if (
    probe.getUTCMonth() !== (mo as number) - 1 ||
    probe.getUTCDate() !== d ||
    (h as number) > 23 ||
    (mi as number) > 59 ||
    (s ?? 0) > 59
  ) {
    return undefined;
  }
  const instant = new Date(match[7] === undefined ? `${text}${SHANGHAI_OFFSET}` : text);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/** Parses the whole feed; throws ComplaintsFileError at the first bad line. */
export function parseComplaintsCsv(text: string): Complaint[] {
  const lines = withoutBom(text).split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  if (lines[0] !== COMPLAINTS_HEADER) {
    throw new ComplaintsFileError(`complaints: the first line must be exactly "${COMPLAINTS_HEADER}"`);
  }
  return lines.slice(1).map((row, index) => {
    const line = index + 2;
    const fields = row.split(",");
    if (fields.length !== 2) {
      throw new ComplaintsFileError(
        `complaints line ${line}: expected 2 fields (received_at,port), got ${fields.length}`,
      );
    }
    const [receivedText, port] = fields.map((f) => f.trim()) as [string, string];
    const receivedAt = parseReceivedAt(receivedText);
    if (receivedAt === undefined) {
      throw new ComplaintsFileError(
        `complaints line ${line}: received_at ${JSON.stringify(receivedText)} is not an ISO-8601 instant (e.g. 2025-09-03T10:15:00+08:00; Beijing time without an offset)`,
      );
    }
    if (!PORT.test(port)) {
      throw new ComplaintsFileError(
        `complaints line ${line}: port ${JSON.stringify(port)} is not an SMS port number (3–21 digits)`,
      );
    }
    return { line, receivedAt, port };
  });
}
