/**
 * Why the clients aws-config.ts builds resolve their middleware per call and do not turn on the SDK's
 * `cacheMiddleware` (ADR 0108): the middleware of a call keeps per-call state in the call's handler context —
 * the SDK's own (the selected auth scheme and identity, the endpoint, the user agent's features) and the
 * embedded stack's fault plan (ADR 0022), which keys a planned fault by that context. With the cache, the SDK
 * resolves a command class once per client and every call of it shares one context, concurrent calls included.
 * Oracles: each request's own key (the in-memory DynamoDB answers with the item it was asked for), the fault
 * plan (the one write it names), and the published SDK's behaviour with the option on.
 */
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { HttpResponse } from "@smithy/core/protocols";
import { afterEach, describe, expect, it } from "vitest";
import * as z from "zod";
import {
  addClientHook,
  clientSettings,
  loadAwsConfig,
  makeDocumentClient,
  makeDynamoDbClient,
} from "../../functions/adapters/aws-config";
import { FaultInjector } from "../../infra/local/faults";

const config = loadAwsConfig({ CONTRACT_OPS_DYNAMODB_ENDPOINT: "http://127.0.0.1:4567" });

const getItemBody = z.object({
  Key: z.object({ PK: z.object({ S: z.string() }), SK: z.object({ S: z.string() }) }),
});

/**
 * DynamoDB in memory: GetItem answers the item it was asked for (with its sort key again as `echo`), anything
 * else an empty object; each answer a few turns of the event loop later, so that calls overlap.
 */
const requestHandler = {
  handle: async (request: { headers: Record<string, string>; body?: unknown }) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    const target = request.headers["x-amz-target"] ?? "";
    let answer = {};
    if (target.endsWith(".GetItem")) {
      const body = z.instanceof(Uint8Array).parse(request.body);
      const { Key } = getItemBody.parse(JSON.parse(new TextDecoder().decode(body)));
      answer = { Item: { ...Key, echo: { S: Key.SK.S } } };
    }
    return {
      response: new HttpResponse({
        statusCode: 200,
        headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "local" },
        body: Buffer.from(JSON.stringify(answer)),
      }),
    };
  },
  updateHttpClientConfig: () => undefined,
  httpHandlerConfigs: () => ({}),
};

/** Records the handler context each call's middleware is given. */
function recordContexts(client: { middlewareStack: DynamoDBClient["middlewareStack"] }): object[] {
  const contexts: object[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      contexts.push(context);
      return next(args);
    },
    { step: "initialize", name: "recordContext" },
  );
  return contexts;
}

const removals: (() => void)[] = [];
afterEach(() => {
  for (const remove of removals.splice(0)) remove();
});

describe("the handler context of a call", () => {
  it("is the call's own in the clients aws-config.ts builds, many calls at once, each answered its own item", async () => {
    const client = makeDynamoDbClient(config);
    client.config.requestHandler = requestHandler;
    const contexts = recordContexts(client);
    const document = makeDocumentClient(client);
    const sortKeys = Array.from({ length: 50 }, (_, i) => `CYCLE#2025-${String(i).padStart(2, "0")}`);
    const answers = await Promise.all(
      sortKeys.map((SK) =>
        document.send(new GetCommand({ TableName: "ContractOps", Key: { PK: "CONTRACT#1", SK } })),
      ),
    );
    expect(answers.map((answer) => answer.Item)).toEqual(
      sortKeys.map((SK) => ({ PK: "CONTRACT#1", SK, echo: SK })),
    );
    expect(contexts).toHaveLength(50);
    expect(new Set(contexts).size).toBe(50);
  });

  it("is one object for every call of a command class when the SDK's cacheMiddleware is on", async () => {
    const client = new DynamoDBClient({
      ...clientSettings(config, config.endpoints.dynamodb),
      cacheMiddleware: true,
      requestHandler,
    });
    const contexts = recordContexts(client);
    await Promise.all(
      [1, 2, 3].map((i) =>
        client.send(
          new PutItemCommand({
            TableName: "ContractOps",
            Item: { PK: { S: `CONTRACT#${i}` }, SK: { S: "X" } },
          }),
        ),
      ),
    );
    expect(contexts).toHaveLength(3);
    expect(new Set(contexts).size).toBe(1);
  });

  it("is why the document client refuses cacheMiddleware", () => {
    const client = new DynamoDBClient({
      ...clientSettings(config, config.endpoints.dynamodb),
      cacheMiddleware: true,
    });
    expect(() => DynamoDBDocumentClient.from(client)).toThrow(/cacheMiddleware/);
  });
});

describe("a fault planned for one invocation's write, while another invocation writes at the same time", () => {
  type Send = (PK: string) => Promise<{ $metadata: { attempts?: number } }>;

  /**
   * Two invocations' PutItem at once, the unplanned one (send-bill) started first; `client` builds the sender
   * once the plan's hook is in place. What comes back: the SDK attempts each write took.
   */
  async function concurrentWrites(client: (injector: FaultInjector) => Send) {
    const injector = new FaultInjector({
      faults: [{ kind: "ddb-throughput-exceeded", function: "prepare-bill", call: 1, times: 1 }],
    });
    const send = client(injector);
    const invoke = injector.wrapInvoke(
      async (_arn, payload) => (await send(String(payload))).$metadata.attempts,
      (_arn, name) => name,
    );
    const [unplanned, planned] = await Promise.all([
      invoke("arn:send-bill", "CONTRACT#2", { functionName: "send-bill", awsRequestId: "b" }),
      invoke("arn:prepare-bill", "CONTRACT#1", { functionName: "prepare-bill", awsRequestId: "a" }),
    ]);
    return { planned, unplanned, injected: injector.injected.map((fault) => fault.where) };
  }

  it("reaches that write alone in the clients aws-config.ts builds", async () => {
    const outcome = await concurrentWrites((injector) => {
      removals.push(addClientHook(injector.clientHook));
      const client = makeDynamoDbClient(config);
      client.config.requestHandler = requestHandler;
      const document = makeDocumentClient(client);
      return (PK) => document.send(new PutCommand({ TableName: "ContractOps", Item: { PK, SK: "X" } }));
    });
    expect(outcome).toEqual({
      planned: 2,
      unplanned: 1,
      injected: ["prepare-bill invocation 1, throughput exceeded (call 1: PutItem)"],
    });
  });

  it("reaches the other invocation's write when the SDK's cacheMiddleware is on", async () => {
    const outcome = await concurrentWrites((injector) => {
      const client = new DynamoDBClient({
        ...clientSettings(config, config.endpoints.dynamodb),
        cacheMiddleware: true,
        requestHandler,
      });
      injector.clientHook(client);
      return (PK) =>
        client.send(
          new PutItemCommand({ TableName: "ContractOps", Item: { PK: { S: PK }, SK: { S: "X" } } }),
        );
    });
    expect(outcome).toEqual({
      planned: 1,
      unplanned: 2,
      injected: ["prepare-bill invocation 1, throughput exceeded (call 1: PutItem)"],
    });
  });
});
