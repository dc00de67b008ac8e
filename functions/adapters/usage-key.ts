/**
 * Where a period's usage file lives in the usage bucket (docs/usage-csv.md). A module of its own so that what
 * only names a file (the statement's "file not received" line) does not bundle the CSV reader and its
 * charset tables into every Lambda (ADR 0051).
 */
import type { UsageFile } from "../core/statement";

export function usageObjectKey(contractId: string, period: string, kind: UsageFile): string {
  return `usage/${contractId}/${period}/${kind}.csv`;
}
