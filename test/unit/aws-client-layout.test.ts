/**
 * The clients aws-config.ts builds have their configuration laid out as fields, not as a hash table, so the
 * SDK's per-call copies of it (`{ ...config }` in the endpoint and schema serde middleware) are cheap
 * (ADR 0102). Oracle: V8's own report of an object's layout (`%HasFastProperties`, a runtime function behind
 * --allow-natives-syntax); the same SDK client built without aws-config.ts is the counter-example, a
 * dictionary. No timing is asserted.
 */
import { setFlagsFromString } from "node:v8";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import {
  clientSettings,
  loadAwsConfig,
  makeDocumentClient,
  makeDynamoDbClient,
  makeS3Client,
  makeS3GetObjectClient,
  makeSesClient,
  makeSfnClient,
} from "../../functions/adapters/aws-config";

setFlagsFromString("--allow-natives-syntax");
const hasFastProperties = new Function("object", "return %HasFastProperties(object)") as (
  object: object,
) => boolean;

const local = loadAwsConfig({
  CONTRACT_OPS_DYNAMODB_ENDPOINT: "http://127.0.0.1:4567",
  CONTRACT_OPS_S3_ENDPOINT: "http://127.0.0.1:4568",
  CONTRACT_OPS_SES_ENDPOINT: "http://127.0.0.1:4569",
  CONTRACT_OPS_SFN_ENDPOINT: "http://127.0.0.1:4570",
});
const regional = loadAwsConfig({ AWS_REGION: "eu-west-1" });

/** Answers every request with an empty DynamoDB item, without a socket. */
const emptyItem = {
  handle: async () => ({
    response: {
      statusCode: 200,
      reason: "OK",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "r-1" },
      body: Buffer.from("{}"),
    },
  }),
  updateHttpClientConfig: () => undefined,
  httpHandlerConfigs: () => ({}),
};

describe("client configuration laid out for the SDK's per-call copies", () => {
  it("is a dictionary in a client the SDK builds alone (the layout this corrects)", () => {
    const stock = new DynamoDBClient(clientSettings(local, local.endpoints.dynamodb));
    expect(hasFastProperties(stock.config)).toBe(false);
  });

  for (const [where, config] of [
    ["the embedded stack's endpoints", local],
    ["the regional endpoints", regional],
  ] as const) {
    it(`has fast properties in every client aws-config.ts builds, for ${where}`, () => {
      const clients = [
        makeDynamoDbClient(config),
        makeS3Client(config),
        makeS3GetObjectClient(config),
        makeSesClient(config),
        makeSfnClient(config),
      ];
      for (const client of clients) {
        expect({ client: client.constructor.name, fast: hasFastProperties(client.config) }).toEqual({
          client: client.constructor.name,
          fast: true,
        });
        client.destroy();
      }
    });
  }

  it("keeps them after the document client adds its settings and after calls", async () => {
    const client = makeDynamoDbClient(local);
    client.config.requestHandler = emptyItem;
    const document = makeDocumentClient(client);
    expect(client.config).toHaveProperty("translateConfig");
    expect(hasFastProperties(client.config)).toBe(true);
    await document.send(new PutCommand({ TableName: "ContractOps", Item: { PK: "A", SK: "B" } }));
    await document.send(new GetCommand({ TableName: "ContractOps", Key: { PK: "A", SK: "B" } }));
    expect(hasFastProperties(client.config)).toBe(true);
  });

  it("changes no property of the configuration: names, values and accessors as the SDK built them", () => {
    const ours = makeDynamoDbClient(local);
    const stock = new DynamoDBClient(clientSettings(local, local.endpoints.dynamodb));
    const shape = (config: object) =>
      Object.entries(Object.getOwnPropertyDescriptors(config))
        .map(
          ([name, d]) => `${name} ${"get" in d ? "accessor" : typeof d.value} ${d.enumerable} ${d.writable}`,
        )
        .sort();
    expect(shape(ours.config)).toEqual(shape(stock.config));
  });
});
