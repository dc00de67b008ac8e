/**
 * SMS content is never stored (R-RETAIN-1, 合同第三条3.9款; docs/usage-csv.md; ADR 0035). Before an SMS log is
 * stored, each message's content is replaced by its character count (`content_chars`, code points as R-SMS-1
 * counts them), and R-SMS-3's content check (2.23/2.24: the opt-out "拒收请回复R" ends a marketing message)
 * runs on the content first: only its findings — a line and a reason — are kept. Rating bills the stored log
 * exactly as it would the original.
 *
 * One stored line per record, so the findings' lines and the bill's rejections name lines of the stored log. A
 * record the parser refuses is stored with every field emptied (its content may be anywhere in it): the bill
 * still counts it as rejected at that line, and the findings keep the reason it was refused for.
 */

import * as z from "zod";
import { marketingContentProblem } from "./sms-governance/marketing";
import { REJECTED_KEPT } from "./statement";
import {
  type RecordFields,
  SMS_HEADER,
  SMS_HEADER_WITH_CATEGORY,
  scanSmsCsv,
  UsageFileError,
} from "./usage-csv";

const lineAndReason = z.object({ line: z.number().int().positive(), reason: z.string() });

/**
 * R-SMS-3 on the content: the first REJECTED_KEPT violations by line (the count counts them all); records
 * refused at upload (stored emptied) with the parser's reason. Lines are the stored log's.
 */
export const smsContentFindingsSchema = z.object({
  marketingViolations: z.array(lineAndReason),
  marketingViolationCount: z.number().int().nonnegative(),
  rejected: z.array(lineAndReason),
  rejectedCount: z.number().int().nonnegative(),
});

export type SmsContentFindings = z.infer<typeof smsContentFindingsSchema>;

const CONTENT = 3;
const CATEGORY = 6;

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The stored record: every field as logged but the content, which becomes its character count. */
function storedRecord(fields: RecordFields, contentChars: number): string {
  const out: string[] = [];
  for (let i = 0; i < fields.width; i++) {
    if (i === CONTENT) out.push("");
    else if (i === CONTENT + 1) out.push(String(contentChars));
    else out.push(csvField(fields.text(i)));
  }
  return out.join(",");
}

/** The header the log declares: which columns it has decides where the content is. */
function headerOf(log: Buffer): string {
  const end = log.indexOf(10);
  const first = log
    .subarray(0, end < 0 ? log.length : end)
    .toString("latin1")
    .replace(/^\xef\xbb\xbf/, "")
    .replace(/\r$/, "");
  if (first !== SMS_HEADER && first !== SMS_HEADER_WITH_CATEGORY) {
    throw new UsageFileError(
      `not an SMS log: the header must be "${SMS_HEADER}" or "${SMS_HEADER_WITH_CATEGORY}"`,
    );
  }
  return first;
}

export async function withoutSmsContent(
  source: AsyncIterable<Uint8Array>,
): Promise<{ csv: Buffer; findings: SmsContentFindings }> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  const log = Buffer.concat(chunks);
  const header = headerOf(log);
  // A refused record keeps its line with every field emptied.
  const emptied = ",".repeat(header.split(",").length - 1);
  const lines: string[] = [header];
  const findings: SmsContentFindings = {
    marketingViolations: [],
    marketingViolationCount: 0,
    rejected: [],
    rejectedCount: 0,
  };
  // The stored log's line of the record being visited: one line per record after the header.
  const storedLine = () => lines.length + 1;
  await scanSmsCsv(
    (async function* () {
      yield log;
    })(),
    {
      message(_sentAtMs, contentChars, downlink, _line, fields) {
        // R-SMS-3 (2.23/2.24), the one check that needs the text: marketing messages Party A sends.
        if (downlink && fields.width > CATEGORY && fields.text(CATEGORY) === "marketing") {
          const problem = marketingContentProblem(fields.text(CONTENT));
          if (problem !== undefined) {
            findings.marketingViolationCount++;
            if (findings.marketingViolations.length < REJECTED_KEPT) {
              findings.marketingViolations.push({ line: storedLine(), reason: problem });
            }
          }
        }
        lines.push(storedRecord(fields, contentChars));
      },
      reject(_line, reason) {
        findings.rejectedCount++;
        if (findings.rejected.length < REJECTED_KEPT) findings.rejected.push({ line: storedLine(), reason });
        lines.push(emptied);
      },
    },
  );
  return { csv: Buffer.from(`${lines.join("\n")}\n`, "utf8"), findings };
}
