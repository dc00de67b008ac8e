/**
 * The breach register's records (R-BREACH-1) and force majeure events (R-FM-1). A register entry is written
 * once; its written notice, cure and objection are each set once (the same value again is a retry and
 * succeeds, a different one is refused), so two operators recording at once cannot both win.
 */
import * as z from "zod";
import { DELIVERY_METHODS, DELIVERY_REGIONS } from "../../core/notices";
import { conditionalUpdate, contractKey, getItem, parseRecord, putIfAbsent, queryAll } from "./table";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const breachNoticeSchema = z.object({
  method: z.enum(DELIVERY_METHODS),
  region: z.enum(DELIVERY_REGIONS).nullable(),
  sentOn: day,
  receivedOn: day,
  cureDeadline: day,
});

const breachEntrySchema = z.object({
  breachId: z.string().min(1),
  rule: z.string().regex(/^R-[A-Z]+-\d+$/),
  party: z.enum(["A", "B"]),
  what: z.string().min(1),
  detectedOn: day.optional(),
  notice: breachNoticeSchema.optional(),
  curedOn: day.optional(),
  objectedOn: day.optional(),
  /** The cure clock's open wait (ObligationClock); never logged, never shown. */
  clockToken: z.string().optional(),
});
export type StoredBreachEntry = z.infer<typeof breachEntrySchema>;

const forceMajeureSchema = z.object({
  from: day,
  to: day.nullable(),
  what: z.string().min(1),
  negotiationRequestedOn: day.nullable(),
});
export type StoredForceMajeure = z.infer<typeof forceMajeureSchema>;

const breachKey = (breachId: string) => `BREACH#${breachId}`;
const forceMajeureKey = (from: string) => `FORCE-MAJEURE#${from}`;

export async function putBreachEntry(contractId: string, entry: StoredBreachEntry): Promise<boolean> {
  return putIfAbsent({ PK: contractKey(contractId), SK: breachKey(entry.breachId), ...entry });
}

export async function getBreachEntry(
  contractId: string,
  breachId: string,
): Promise<StoredBreachEntry | undefined> {
  const item = await getItem<Record<string, unknown>>(contractKey(contractId), breachKey(breachId));
  return item ? parseRecord(breachEntrySchema, item, "breach entry") : undefined;
}

export async function breachEntries(contractId: string): Promise<StoredBreachEntry[]> {
  return (await queryAll<Record<string, unknown>>(contractKey(contractId), "BREACH#")).map((item) =>
    parseRecord(breachEntrySchema, item, "breach entry"),
  );
}

/** Sets the entry's written notice once; true when it is now this notice. */
export async function setBreachNoticeOnce(
  contractId: string,
  breachId: string,
  notice: StoredBreachEntry["notice"],
): Promise<boolean> {
  return conditionalUpdate(
    contractKey(contractId),
    breachKey(breachId),
    "SET notice = :n",
    "attribute_not_exists(notice) OR notice = :n",
    { values: { ":n": notice } },
  );
}

/**
 * Records the answer to a notice once: a cure or an objection, never both (5.1 offers one or the other).
 * True when the entry now holds this answer.
 */
export async function setBreachAnswerOnce(
  contractId: string,
  breachId: string,
  answer: "curedOn" | "objectedOn",
  on: string,
): Promise<boolean> {
  const other = answer === "curedOn" ? "objectedOn" : "curedOn";
  return conditionalUpdate(
    contractKey(contractId),
    breachKey(breachId),
    "SET #a = :d",
    "attribute_exists(notice) AND attribute_not_exists(#o) AND (attribute_not_exists(#a) OR #a = :d)",
    { names: { "#a": answer, "#o": other }, values: { ":d": on } },
  );
}

/** The cure clock's wait token: written on every run of the await step (the latest wait is the open one). */
export async function setBreachClockToken(
  contractId: string,
  breachId: string,
  token: string,
): Promise<boolean> {
  return conditionalUpdate(
    contractKey(contractId),
    breachKey(breachId),
    "SET clockToken = :t",
    "attribute_exists(notice)",
    {
      values: { ":t": token },
    },
  );
}

export async function putForceMajeure(contractId: string, event: StoredForceMajeure): Promise<boolean> {
  return putIfAbsent({ PK: contractKey(contractId), SK: forceMajeureKey(event.from), ...event });
}

/** Sets a field of a force majeure event that is still open (null), or confirms the same value. */
export async function setForceMajeureFieldOnce(
  contractId: string,
  from: string,
  field: "to" | "negotiationRequestedOn",
  value: string,
): Promise<boolean> {
  return conditionalUpdate(
    contractKey(contractId),
    forceMajeureKey(from),
    "SET #f = :v",
    "attribute_type(#f, :nullType) OR #f = :v",
    { names: { "#f": field }, values: { ":v": value, ":nullType": "NULL" } },
  );
}

export async function forceMajeureEvents(contractId: string): Promise<StoredForceMajeure[]> {
  return (await queryAll<Record<string, unknown>>(contractKey(contractId), "FORCE-MAJEURE#")).map((item) =>
    parseRecord(forceMajeureSchema, item, "force majeure event"),
  );
}
