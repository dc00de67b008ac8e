/** Contract records: one item per contract, listed by status through GSI1. */

import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { contractInForceOn } from "../../core/contact-in-force";
import { type Contract, contractSchema } from "../../core/contract";
import { shanghaiDateOf } from "../../core/time";
import { documentClient } from "../aws-config";
import { now } from "../clock";
import {
  conditionalUpdate,
  contractKey,
  getItem,
  NotFoundError,
  parseRecord,
  putIfAbsent,
  table,
} from "./table";

const contractRecordSchema = z.object({
  contractId: z.string(),
  status: z.enum(["active", "ended"]),
  /** The current term, 1 for the first (R-TERM-1, R-TERM-2). */
  term: z.number().int().min(1),
  contract: contractSchema,
  endedOn: z.string().optional(),
  /**
   * Every email of the contract SES accepted has its message-id pointer (ADR 0085): true from registration,
   * or once the outbox of a contract registered before the pointers was indexed.
   */
  sentMessageIdsIndexed: z.boolean().optional(),
  /**
   * Every ledger entry that may change what its period carries has its carry note, and every bill that
   * carried has its carried-by marks (ADR 0097): true from registration, or once the first bill of a contract
   * registered before the notes indexed its ledger.
   */
  carriesIndexed: z.boolean().optional(),
});
export type ContractRecord = z.infer<typeof contractRecordSchema>;
export type ContractStatus = ContractRecord["status"];

export async function registerContract(contract: Contract): Promise<boolean> {
  return putIfAbsent({
    PK: contractKey(contract.contractId),
    SK: "CONTRACT",
    GSI1PK: "CONTRACTS",
    GSI1SK: `active#${contract.contractId}`,
    contractId: contract.contractId,
    status: "active",
    term: 1,
    contract,
    // Its every email is sent by a mailer that writes the pointers (ADR 0085).
    sentMessageIdsIndexed: true,
    // Its every ledger entry is written by a ledger that notes carries (ADR 0097).
    carriesIndexed: true,
  });
}

/** Notes that the contract's ledger has its carry notes and carried-by marks (ADR 0097); once. */
export async function markCarriesIndexed(contractId: string): Promise<void> {
  await conditionalUpdate(
    contractKey(contractId),
    "CONTRACT",
    "SET carriesIndexed = :yes",
    "attribute_not_exists(carriesIndexed)",
    { values: { ":yes": true } },
  );
}

/** Notes that the contract's sent emails all have their message-id pointers (ADR 0085); once. */
export async function markSentMessageIdsIndexed(contractId: string): Promise<void> {
  await conditionalUpdate(
    contractKey(contractId),
    "CONTRACT",
    "SET sentMessageIdsIndexed = :yes",
    "attribute_not_exists(sentMessageIdsIndexed)",
    { values: { ":yes": true } },
  );
}

/**
 * The contract record as it reads today (the clock's day): each party's contact and address in force
 * (R-NOTICE-4), so whatever sends an email sends it to the contact in force on the sending day.
 */
export async function getContract(contractId: string): Promise<ContractRecord> {
  const item = await getItem<Record<string, unknown>>(contractKey(contractId), "CONTRACT");
  if (!item) throw new NotFoundError(`unknown contract ${contractId}`);
  return inForceToday(parseRecord(contractRecordSchema, item, "contract"));
}

function inForceToday(record: ContractRecord): ContractRecord {
  return { ...record, contract: contractInForceOn(record.contract, shanghaiDateOf(now())) };
}

export async function listContracts(status?: ContractStatus): Promise<ContractRecord[]> {
  const items: ContractRecord[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: table(),
        IndexName: "GSI1",
        KeyConditionExpression: status ? "GSI1PK = :pk AND begins_with(GSI1SK, :status)" : "GSI1PK = :pk",
        ExpressionAttributeValues: status
          ? { ":pk": "CONTRACTS", ":status": `${status}#` }
          : { ":pk": "CONTRACTS" },
        ExclusiveStartKey,
      }),
    );
    items.push(
      ...(page.Items ?? []).map((item) => inForceToday(parseRecord(contractRecordSchema, item, "contract"))),
    );
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Moves the contract to its next term (R-TERM-2) exactly once: the condition names the term it leaves. */
export async function advanceTerm(contractId: string, fromTerm: number): Promise<boolean> {
  return conditionalUpdate(contractKey(contractId), "CONTRACT", "SET #term = :next", "#term = :from", {
    names: { "#term": "term" },
    values: { ":next": fromTerm + 1, ":from": fromTerm },
  });
}

/** Moves the contract back from a term whose renewal was undone (R-NOTICE-2), exactly once. */
export async function retreatTerm(contractId: string, fromTerm: number): Promise<boolean> {
  return conditionalUpdate(contractKey(contractId), "CONTRACT", "SET #term = :previous", "#term = :from", {
    names: { "#term": "term" },
    values: { ":previous": fromTerm - 1, ":from": fromTerm },
  });
}

export async function endContract(contractId: string, endedOn: string): Promise<boolean> {
  return conditionalUpdate(
    contractKey(contractId),
    "CONTRACT",
    "SET #status = :ended, GSI1SK = :gsi, endedOn = :on",
    "#status = :active",
    {
      names: { "#status": "status" },
      values: { ":ended": "ended", ":active": "active", ":gsi": `ended#${contractId}`, ":on": endedOn },
    },
  );
}
