/**
 * The AWS configuration module (architecture §2: one place builds every client; local differs from AWS
 * only in endpoints and credentials) and the shared table definition.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  AwsConfigError,
  documentClient,
  dynamoDbClient,
  inboundMailObjectKey,
  loadAwsConfig,
  makeS3Client,
  makeSesClient,
  resetAwsClients,
  s3Client,
  sfnClient,
} from "../../functions/adapters/aws-config";
import { contractOpsTable, createTableInput } from "../../infra/table-schema";

const savedEnv = { ...process.env };
afterEach(() => {
  resetAwsClients();
  process.env = { ...savedEnv };
});

describe("loadAwsConfig", () => {
  it("defaults to us-east-1 (SES receiving exists there) and the ContractOps table, with no local endpoints", () => {
    expect(loadAwsConfig({})).toEqual({
      region: "us-east-1",
      tableName: "ContractOps",
      mailBucket: "contract-ops-mail",
      usageBucket: "contract-ops-usage",
      mailFrom: "billing@contract-ops.localhost",
      replyDomain: "reply.contract-ops.localhost",
      endpoints: {},
    });
  });

  it("reads every variable, and treats an empty one as unset", () => {
    const config = loadAwsConfig({
      AWS_REGION: "eu-west-1",
      CONTRACT_OPS_TABLE: "ContractOps-prod",
      CONTRACT_OPS_MAIL_BUCKET: "mail-bucket",
      CONTRACT_OPS_USAGE_BUCKET: "usage-bucket",
      CONTRACT_OPS_MAIL_FROM: "账单 <bill@example.com>",
      CONTRACT_OPS_REPLY_DOMAIN: "reply.example.com",
      CONTRACT_OPS_DYNAMODB_ENDPOINT: "http://127.0.0.1:8000",
      CONTRACT_OPS_S3_ENDPOINT: "http://127.0.0.1:4569",
      CONTRACT_OPS_SES_ENDPOINT: "http://127.0.0.1:8005",
      CONTRACT_OPS_SFN_ENDPOINT: "",
    });
    expect(config).toMatchObject({
      region: "eu-west-1",
      tableName: "ContractOps-prod",
      mailBucket: "mail-bucket",
      usageBucket: "usage-bucket",
      mailFrom: "账单 <bill@example.com>",
      replyDomain: "reply.example.com",
    });
    expect(config.endpoints).toEqual({
      dynamodb: "http://127.0.0.1:8000",
      s3: "http://127.0.0.1:4569",
      ses: "http://127.0.0.1:8005",
    });
  });

  it("rejects an endpoint that is not an http(s) URL, naming the variable", () => {
    expect(() => loadAwsConfig({ CONTRACT_OPS_S3_ENDPOINT: "127.0.0.1:4569" })).toThrow(AwsConfigError);
    expect(() => loadAwsConfig({ CONTRACT_OPS_S3_ENDPOINT: "ftp://127.0.0.1" })).toThrow(
      /CONTRACT_OPS_S3_ENDPOINT/,
    );
  });
});

describe("client factories", () => {
  it("point a client with a local endpoint at it, with the dummy credentials s3rver accepts", async () => {
    const client = makeSesClient(loadAwsConfig({ CONTRACT_OPS_SES_ENDPOINT: "http://127.0.0.1:8005" }));
    const endpoint = await client.config.endpoint?.();
    expect(endpoint?.hostname).toBe("127.0.0.1");
    expect(endpoint?.port).toBe(8005);
    expect(await client.config.credentials()).toMatchObject({
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
    });
    client.destroy();
  });

  it("use path-style S3 addressing only locally", () => {
    const local = makeS3Client(loadAwsConfig({ CONTRACT_OPS_S3_ENDPOINT: "http://127.0.0.1:4569" }));
    const onAws = makeS3Client(loadAwsConfig({}));
    expect(local.config.forcePathStyle).toBe(true);
    expect(onAws.config.forcePathStyle).toBe(false);
    local.destroy();
    onAws.destroy();
  });

  it("build each client once per process, and again from the new environment after resetAwsClients", async () => {
    process.env.CONTRACT_OPS_DYNAMODB_ENDPOINT = "http://127.0.0.1:8000";
    const first = dynamoDbClient();
    expect(dynamoDbClient()).toBe(first);
    expect(documentClient()).toBe(documentClient());
    expect(s3Client()).toBe(s3Client());
    expect(sfnClient()).toBe(sfnClient());

    process.env.CONTRACT_OPS_DYNAMODB_ENDPOINT = "http://127.0.0.1:9000";
    expect((await dynamoDbClient().config.endpoint?.())?.port).toBe(8000);
    resetAwsClients();
    const second = dynamoDbClient();
    expect(second).not.toBe(first);
    expect((await second.config.endpoint?.())?.port).toBe(9000);
  });

  it("name inbound messages as the SES receipt rule's S3 action does: inbound/<messageId>", () => {
    expect(inboundMailObjectKey("o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g81")).toBe(
      "inbound/o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g81",
    );
  });
});

describe("createTableInput", () => {
  it("declares the keys and GSI1 of the shared table definition, on demand", () => {
    expect(createTableInput("ContractOps")).toEqual({
      TableName: "ContractOps",
      AttributeDefinitions: [
        { AttributeName: "PK", AttributeType: "S" },
        { AttributeName: "SK", AttributeType: "S" },
        { AttributeName: "GSI1PK", AttributeType: "S" },
        { AttributeName: "GSI1SK", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "PK", KeyType: "HASH" },
        { AttributeName: "SK", KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: "GSI1",
          KeySchema: [
            { AttributeName: "GSI1PK", KeyType: "HASH" },
            { AttributeName: "GSI1SK", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
      BillingMode: "PAY_PER_REQUEST",
    });
    expect(contractOpsTable.timeToLiveAttribute).toBe("expiresAt");
  });
});
