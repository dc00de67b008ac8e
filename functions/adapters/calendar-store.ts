/**
 * The stack's official calendar years (architecture §5: `CALENDAR#CN` / `YEAR#<yyyy>`), kept as data so a
 * year published after deployment is used without rebuilding any Lambda (ADR 0041). Items are validated
 * with the same schema as the shipped `CN-<yyyy>.json` files: a bad item fails loudly, it is never skipped.
 */
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { CalendarError, type OfficialYear, officialYearSchema } from "../core/calendar";
import { awsConfig, documentClient } from "./aws-config";

const CALENDAR_PK = "CALENDAR#CN";
const yearSk = (year: number) => `YEAR#${String(year).padStart(4, "0")}`;

export async function listCalendarYears(): Promise<OfficialYear[]> {
  const years: OfficialYear[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: awsConfig().tableName,
        KeyConditionExpression: "PK = :pk AND begins_with(SK, :sk)",
        ExpressionAttributeValues: { ":pk": CALENDAR_PK, ":sk": "YEAR#" },
        ExclusiveStartKey,
        ConsistentRead: true,
      }),
    );
    for (const item of page.Items ?? []) {
      const { PK: _pk, SK: sk, importedAt: _at, ...rest } = item;
      const parsed = officialYearSchema.safeParse(rest);
      if (!parsed.success || sk !== yearSk(parsed.data.year)) {
        throw new CalendarError(
          `calendar item ${String(sk)} is invalid: ${parsed.success ? "year does not match its key" : z.prettifyError(parsed.error)}`,
        );
      }
      years.push(parsed.data);
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return years;
}

/** Stores (or replaces) one official year; putting the same year twice is harmless. */
export async function putCalendarYear(year: OfficialYear, importedAt: Date): Promise<void> {
  const valid = officialYearSchema.parse(year);
  await documentClient().send(
    new PutCommand({
      TableName: awsConfig().tableName,
      Item: { PK: CALENDAR_PK, SK: yearSk(valid.year), ...valid, importedAt: importedAt.toISOString() },
    }),
  );
}
