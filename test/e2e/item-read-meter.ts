/**
 * Counts the items DynamoDB returns — a Query's items, a GetItem's item — to calls made inside `counting`, on
 * every DynamoDB client built while it is installed. A test of reads that must not grow with history compares
 * two counts of the same work (ADRs 0085, 0086); `remove` takes the hook off again.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { addClientHook } from "../../functions/adapters/aws-config";

export function itemReadMeter() {
  const counting = new AsyncLocalStorage<true>();
  const meter = { items: 0 };
  const remove = addClientHook((client) => {
    if (!(client instanceof DynamoDBClient)) return;
    client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        if (counting.getStore()) {
          const output = result.output as { Count?: number; Item?: unknown };
          meter.items += typeof output.Count === "number" ? output.Count : output.Item ? 1 : 0;
        }
        return result;
      },
      { step: "initialize", name: "countItemsRead" },
    );
  });
  /** The items read by `work`. */
  const counted = async (work: () => Promise<unknown>) => {
    meter.items = 0;
    await counting.run(true, work);
    return meter.items;
  };
  return { meter, counting, counted, remove };
}
