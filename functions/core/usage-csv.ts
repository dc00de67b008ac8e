/**
 * Usage input (话单): voice CDRs and SMS logs as CSV, read as a stream of bytes (a Node Readable from a file or
 * an S3 GetObject body). The format is documented in docs/usage-csv.md.
 *
 * Why a hand-written byte parser: a month of a busy hotline is tens of millions of rows, and the bill must be
 * rated in one Lambda invocation with bounded memory. So rows are tokenised straight from the bytes, instants
 * are turned into epoch milliseconds with integer arithmetic (no Date, no regex per row), and each row is
 * handed to a visitor as plain numbers. Nothing but the current chunk (plus one partial record) is held.
 *
 * Personal data: phone numbers are checked for shape and never copied out of the buffer; SMS content is only
 * measured (code points, R-SMS-1) — it is never decoded into a string, stored or logged. Rejection reasons
 * never quote a field's value.
 *
 * A malformed row is rejected with its line number and a reason — never silently dropped, and never fatal to
 * the file. Only a file that is not a usage file at all (wrong header) or not UTF-8 (after the optional
 * transcoding of ./usage-csv/encoding) is refused as a whole, naming the line and byte offset.
 */

export * from "./usage-csv/encoding";
export { parseInstantBytes, phoneNumberOfKey } from "./usage-csv/fields";
export * from "./usage-csv/format";
export * from "./usage-csv/records";
export * from "./usage-csv/sms-parser";
export * from "./usage-csv/voice-parser";
