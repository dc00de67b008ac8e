/**
 * DynamoDB's Time to Live on the embedded stack (ADR 0053). dynalite stores the TTL attribute but never
 * deletes anything, so a long run kept every expired item and every whole-history read grew with it.
 *
 * What is modelled, from the UpdateTimeToLive API reference: an item whose TTL attribute is a Number
 * holding epoch seconds less than the current time is expired; DynamoDB deletes it in the background
 * "typically within two days", and until then an expired item is still returned by reads, queries and
 * scans; the deletion is a plain delete (indexes follow) and costs the table nothing. An item without the
 * attribute, or with a value of another type, is never deleted. Here the sweep runs once a day on the
 * stack's clock, so an expired item goes within a day of its expiry; a read before that still sees it.
 *
 * The sweep does not scan when nothing can have expired: it keeps the earliest TTL value the table may
 * hold — from its last scan and from every write dynalite received since (`noteWrite`) — and scans only
 * once that instant has passed. On the first sweep it scans (a persistent data directory holds items no
 * write was seen for).
 */

import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  DeleteItemCommand,
  type DeleteItemCommandInput,
  DynamoDBClient,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import * as z from "zod";
import { DEFAULT_REGION } from "../../functions/adapters/aws-config";
import type { ScheduledTimer, VirtualClock } from "./sfn";

const tableWithTtl = z.object({
  Type: z.enum(["AWS::DynamoDB::GlobalTable", "AWS::DynamoDB::Table"]),
  Properties: z.object({
    TimeToLiveSpecification: z.object({ AttributeName: z.string(), Enabled: z.literal(true) }),
  }),
});

/** The table's TTL attribute in a synthesized template (its TimeToLiveSpecification, enabled), if any. */
export function timeToLiveAttributeOf(template: Record<string, unknown>): string | undefined {
  const resources = z.record(z.string(), z.unknown()).catch({}).parse(template.Resources);
  for (const resource of Object.values(resources)) {
    const table = tableWithTtl.safeParse(resource);
    if (table.success) return table.data.Properties.TimeToLiveSpecification.AttributeName;
  }
  return undefined;
}

export interface SweepResult {
  /** Whether the table was scanned (false: no item could have expired yet). */
  scanned: boolean;
  deleted: number;
}

type Item = Record<string, AttributeValue>;

/** A write request's body as dynalite receives it (DynamoDB JSON); only the fields read here, loosely. */
const attributeValues = z.record(
  z.string(),
  z.custom<AttributeValue>((value) => typeof value === "object"),
);
const writeRequest = z.object({
  TableName: z.string().optional(),
  Item: attributeValues.optional(),
  UpdateExpression: z.string().optional(),
  ExpressionAttributeNames: z.record(z.string(), z.string()).optional(),
  ExpressionAttributeValues: attributeValues.optional(),
  RequestItems: z
    .record(z.string(), z.array(z.object({ PutRequest: z.object({ Item: attributeValues }).optional() })))
    .optional(),
});

const WRITES = new Set(["PutItem", "UpdateItem", "BatchWriteItem"]);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function epochSecondsOf(value: AttributeValue | undefined): number | undefined {
  if (value === undefined || !("N" in value) || value.N === undefined) return undefined;
  return epochSecondsIn(value.N);
}

/** A Number's text as epoch seconds (undefined when it is not a finite number). */
function epochSecondsIn(text: string): number | undefined {
  const seconds = Number(text);
  return Number.isFinite(seconds) ? seconds : undefined;
}

export class TimeToLiveSweeper {
  private readonly client: DynamoDBClient;
  /** The earliest TTL the last scan left in the table, epoch seconds; -Infinity: no scan yet. */
  private scannedSeconds = Number.NEGATIVE_INFINITY;
  /** The earliest TTL written since the last scan began. */
  private writtenSeconds = Number.POSITIVE_INFINITY;
  /**
   * The attribute holding a Number, as JSON spells it without \u escapes: `"<name>" : { "N" : "<digits>" }`,
   * spaces allowed where JSON allows them. Its other valid spellings all use \u escapes (neither the names
   * nor a number's characters have a shorter escape).
   */
  private readonly numberAttribute: RegExp;

  constructor(
    private readonly options: {
      endpoint: string;
      tableName: string;
      /** The table's key attributes (partition key, sort key). */
      keyNames: readonly string[];
      attributeName: string;
    },
  ) {
    this.numberAttribute = new RegExp(
      `"${escapeRegExp(options.attributeName)}"\\s*:\\s*\\{\\s*"N"\\s*:\\s*"([^"\\\\]*)"\\s*\\}`,
      "g",
    );
    // Not a client of functions/adapters/aws-config: TTL deletions are DynamoDB's own, so no fault plan,
    // IAM role or request meter of the stack applies to them.
    this.client = new DynamoDBClient({
      region: DEFAULT_REGION,
      endpoint: options.endpoint,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
  }

  /**
   * Notes the TTL values a write carries: the attribute of a put item, or, for an update that names the
   * attribute, every number among its values (a lower bound: at worst a sweep scans when nothing is due).
   */
  noteWrite(operation: string, body: string): void {
    if (!WRITES.has(operation) || !body.includes(this.options.attributeName)) return;
    // A put (nearly every put of the stack carries a TTL) is read as text, without parsing the request: every
    // Number the attribute holds anywhere in it — its items, a map nested in them, another table's item — is
    // noted, a superset of the table's items' values, so still a lower bound. An update names the attribute
    // in its expression and the value under an alias, so it is parsed.
    if (operation !== "UpdateItem" && !body.includes("\\u")) {
      for (const [, text = ""] of body.matchAll(this.numberAttribute)) this.noteSeconds(epochSecondsIn(text));
      return;
    }
    // dynalite answers a malformed request with its own error, and writes nothing.
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return;
    }
    const parsed = writeRequest.safeParse(json);
    if (!parsed.success) return;
    const request = parsed.data;
    const { attributeName, tableName } = this.options;
    const items =
      operation === "BatchWriteItem"
        ? (request.RequestItems?.[tableName] ?? []).map((write) => write.PutRequest?.Item)
        : request.TableName === tableName
          ? [request.Item]
          : [];
    const candidates = items.map((item) => epochSecondsOf(item?.[attributeName]));
    if (operation === "UpdateItem" && request.TableName === tableName) {
      const aliases = Object.entries(request.ExpressionAttributeNames ?? {})
        .filter(([, name]) => name === attributeName)
        .map(([alias]) => alias);
      const expression = request.UpdateExpression ?? "";
      if ([attributeName, ...aliases].some((name) => expression.includes(name))) {
        candidates.push(...Object.values(request.ExpressionAttributeValues ?? {}).map(epochSecondsOf));
      }
    }
    for (const seconds of candidates) this.noteSeconds(seconds);
  }

  private noteSeconds(seconds: number | undefined): void {
    if (seconds !== undefined && seconds < this.writtenSeconds) this.writtenSeconds = seconds;
  }

  /** Deletes every item expired at `now`, unless no item can have expired yet. */
  async sweep(now: Date): Promise<SweepResult> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (nowSeconds <= Math.min(this.scannedSeconds, this.writtenSeconds))
      return { scanned: false, deleted: 0 };
    // A write noted just before the scan may land after the scan passed its key: its TTL is kept when not
    // yet due; one already due goes with the next scan.
    const writtenBefore = this.writtenSeconds;
    this.writtenSeconds = Number.POSITIVE_INFINITY;
    let earliest = writtenBefore > nowSeconds ? writtenBefore : Number.POSITIVE_INFINITY;
    const { tableName, attributeName, keyNames } = this.options;
    const keyAliases = Object.fromEntries(keyNames.map((name, i) => [`#k${i}`, name]));
    let deleted = 0;
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: tableName,
          ProjectionExpression: [...Object.keys(keyAliases), "#ttl"].join(", "),
          FilterExpression: "attribute_type(#ttl, :number)",
          ExpressionAttributeNames: { ...keyAliases, "#ttl": attributeName },
          ExpressionAttributeValues: { ":number": { S: "N" } },
          ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const seconds = epochSecondsOf(item[attributeName]);
        if (seconds === undefined) continue;
        if (seconds >= nowSeconds) {
          earliest = Math.min(earliest, seconds);
          continue;
        }
        if (await this.deleteIfStillExpired(item, seconds)) deleted++;
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    this.scannedSeconds = earliest;
    return { scanned: true, deleted };
  }

  close(): void {
    this.client.destroy();
  }

  /** Deleted only while the attribute still holds the expired value: an item given a new TTL since stays. */
  private async deleteIfStillExpired(item: Item, seconds: number): Promise<boolean> {
    const { tableName, attributeName, keyNames } = this.options;
    const input: DeleteItemCommandInput = {
      TableName: tableName,
      Key: Object.fromEntries(keyNames.map((name) => [name, item[name] as AttributeValue])),
      ConditionExpression: "#ttl = :expired",
      ExpressionAttributeNames: { "#ttl": attributeName },
      ExpressionAttributeValues: { ":expired": { N: String(seconds) } },
    };
    try {
      await this.client.send(new DeleteItemCommand(input));
      return true;
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return false;
      throw error;
    }
  }
}

/** When the daily sweep runs: 03:30 in Asia/Shanghai, an hour no schedule of the stack uses. */
const SWEEP_AT_UTC_MS = (19 * 60 + 30) * 60_000;
const DAY_MS = 86_400_000;

/**
 * Runs `sweep` once a day on the stack's clock, from the first 03:30 (Asia/Shanghai) after now; the
 * returned timer stops it. A failed sweep is reported through the clock like any scheduled work.
 */
export function sweepDaily(clock: VirtualClock, sweep: (now: Date) => Promise<unknown>): ScheduledTimer {
  const nowMs = clock.nowMs();
  let nextMs = Math.floor(nowMs / DAY_MS) * DAY_MS + SWEEP_AT_UTC_MS;
  if (nextMs <= nowMs) nextMs += DAY_MS;
  let timer: ScheduledTimer;
  const arm = () => {
    timer = clock.schedule(new Date(nextMs), async () => {
      nextMs += DAY_MS;
      arm();
      await sweep(clock.now());
    });
  };
  arm();
  return { cancel: () => timer.cancel() };
}
