/**
 * The one DynamoDB table (single-table design, architecture §5) as plain data. The CDK table construct
 * maps it onto `dynamodb.TableV2`; the embedded stack creates the same table in dynalite with
 * `createTableInput`, so keys and indexes cannot drift between AWS and the local machine.
 */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

export const contractOpsTable = {
  partitionKey: { name: "PK", type: "S" },
  sortKey: { name: "SK", type: "S" },
  // Reply keys and inbound-message dedupe items expire (architecture §5), and so do cycles, audit entries,
  // outbox emails and ledger entries (R-RETAIN-1, ADRs 0033, 0070): the retention bounds every read of a
  // contract's history. DynamoDB deletes expired items
  // lazily (typically within two days; the embedded stack's daily sweep within a day, ADR 0053), so readers
  // must still check `expiresAt` themselves.
  timeToLiveAttribute: "expiresAt",
  globalSecondaryIndexes: [
    {
      indexName: "GSI1",
      partitionKey: { name: "GSI1PK", type: "S" },
      sortKey: { name: "GSI1SK", type: "S" },
      projectionType: "ALL",
    },
  ],
  billingMode: "PAY_PER_REQUEST",
} as const;

/** The CreateTable request for `contractOpsTable` (TTL is a separate UpdateTimeToLive call on AWS). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, globalSecondaryIndexes } = contractOpsTable;
  const keyAttributes = [
    partitionKey,
    sortKey,
    ...globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  return {
    TableName: tableName,
    AttributeDefinitions: keyAttributes.map((key) => ({ AttributeName: key.name, AttributeType: key.type })),
    KeySchema: [
      { AttributeName: partitionKey.name, KeyType: "HASH" },
      { AttributeName: sortKey.name, KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: globalSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: "HASH" },
        { AttributeName: index.sortKey.name, KeyType: "RANGE" },
      ],
      Projection: { ProjectionType: index.projectionType },
    })),
    BillingMode: contractOpsTable.billingMode,
  };
}
