/**
 * Usage rows the parser refused (docs/usage-csv.md: never silently dropped): rating lists them on the statement,
 * the month's compliance check on its report.
 */
import { REJECTED_KEPT, type RejectedUsageRecord } from "../statement";

/** Keeps the first REJECTED_KEPT rejections of a file and counts the rest (bounded memory whatever the size). */
export class RejectionLog {
  readonly kept: RejectedUsageRecord[] = [];
  count = 0;
  add(file: "voice" | "sms", line: number, reason: string): void {
    this.count++;
    if (this.kept.length < REJECTED_KEPT) this.kept.push({ file, line, reason });
  }
}
