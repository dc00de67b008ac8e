/**
 * The embedded stack's IAM policy evaluator (infra/local/iam/policy.ts, ADR 0025). Expectations come from the
 * IAM User Guide: "Policy evaluation logic" (explicit Deny wins, otherwise an Allow, otherwise implicit deny),
 * "IAM JSON policy elements: Resource" (wildcards within ARN segments), "NotAction"/"NotResource", and
 * "Condition operators" (a key absent from the request context makes the condition false, `…IfExists` true;
 * `Null`; `ForAnyValue`/`ForAllValues`).
 */
import { describe, expect, it } from "vitest";
import { CompiledPolicy, type StatementDocument } from "../../infra/local/iam";

const TABLE = "arn:aws:dynamodb:us-east-1:000000000000:table/ContractOps";
const policy = (...statements: StatementDocument[]) => new CompiledPolicy(statements);

describe("IAM policy evaluation", () => {
  it("allows a listed action on a listed resource, and nothing else (implicit deny)", () => {
    const p = policy({ Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:Query"], Resource: TABLE });
    expect(p.evaluate({ action: "dynamodb:GetItem", resource: TABLE })).toEqual({ allowed: true });
    expect(p.evaluate({ action: "dynamodb:PutItem", resource: TABLE })).toMatchObject({
      allowed: false,
      reason: "no-allow",
    });
    expect(p.evaluate({ action: "dynamodb:GetItem", resource: `${TABLE}-other` }).allowed).toBe(false);
  });

  it("an explicit Deny wins over any Allow", () => {
    const p = policy(
      { Effect: "Allow", Action: "dynamodb:*", Resource: "*" },
      { Effect: "Deny", Action: "dynamodb:DeleteItem", Resource: [TABLE, `${TABLE}/*`] },
    );
    expect(p.evaluate({ action: "dynamodb:DeleteItem", resource: TABLE })).toMatchObject({
      allowed: false,
      reason: "explicit-deny",
    });
    expect(p.evaluate({ action: "dynamodb:PutItem", resource: TABLE }).allowed).toBe(true);
  });

  it("actions match case-insensitively with * and ? wildcards", () => {
    const p = policy({ Effect: "Allow", Action: ["s3:Get*", "states:SendTask???????"], Resource: "*" });
    expect(p.evaluate({ action: "s3:getobject", resource: "arn:aws:s3:::b/k" }).allowed).toBe(true);
    expect(p.evaluate({ action: "states:SendTaskSuccess", resource: "x" }).allowed).toBe(true);
    expect(p.evaluate({ action: "states:SendTaskFailure", resource: "x" }).allowed).toBe(true);
    expect(p.evaluate({ action: "states:SendTaskHeartbeat", resource: "x" }).allowed).toBe(false);
  });

  it("a resource wildcard stays within its ARN segment, except in the resource part", () => {
    const p = policy(
      { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::usage-bucket/usage/*" },
      {
        Effect: "Allow",
        Action: "lambda:InvokeFunction",
        Resource: "arn:aws:lambda:*:000000000000:function:ContractOps-prepare-bill:*",
      },
    );
    expect(
      p.evaluate({ action: "s3:GetObject", resource: "arn:aws:s3:::usage-bucket/usage/c/2025-09/sms.csv" })
        .allowed,
    ).toBe(true);
    expect(
      p.evaluate({ action: "s3:GetObject", resource: "arn:aws:s3:::usage-bucket/kickoff/x.jsonl" }).allowed,
    ).toBe(false);
    expect(
      p.evaluate({
        action: "lambda:InvokeFunction",
        resource: "arn:aws:lambda:us-east-1:000000000000:function:ContractOps-prepare-bill:$LATEST",
      }).allowed,
    ).toBe(true);
    // `*` in the region segment does not swallow the account segment.
    expect(
      p.evaluate({
        action: "lambda:InvokeFunction",
        resource: "arn:aws:lambda:us-east-1:111111111111:function:ContractOps-prepare-bill:1",
      }).allowed,
    ).toBe(false);
  });

  it("NotAction and NotResource match everything but what they list", () => {
    const p = policy(
      { Effect: "Allow", NotAction: "dynamodb:DeleteItem", Resource: TABLE },
      { Effect: "Deny", Action: "dynamodb:*", NotResource: TABLE },
    );
    expect(p.evaluate({ action: "dynamodb:UpdateItem", resource: TABLE }).allowed).toBe(true);
    expect(p.evaluate({ action: "dynamodb:DeleteItem", resource: TABLE }).allowed).toBe(false);
    expect(p.evaluate({ action: "dynamodb:GetItem", resource: `${TABLE}2` })).toMatchObject({
      reason: "explicit-deny",
    });
  });

  it("StringEquals on ses:FromAddress: the listed sender only; a key missing from the context is false", () => {
    const p = policy({
      Effect: "Allow",
      Action: "ses:SendEmail",
      Resource: "arn:aws:ses:us-east-1:000000000000:identity/*",
      Condition: { StringEquals: { "ses:FromAddress": "billing@contract-ops.localhost" } },
    });
    const resource = "arn:aws:ses:us-east-1:000000000000:identity/contract-ops.localhost";
    const as = (from?: string) =>
      p.evaluate({ action: "ses:SendEmail", resource, context: from ? { "ses:fromaddress": from } : {} });
    expect(as("billing@contract-ops.localhost").allowed).toBe(true);
    expect(as("mallory@contract-ops.localhost").allowed).toBe(false);
    expect(as(undefined).allowed).toBe(false);
  });

  it("StringLike on s3:prefix: a ListBucket with the prefix; a request without s3:prefix is not granted", () => {
    const p = policy({
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: "arn:aws:s3:::usage-bucket",
      Condition: { StringLike: { "s3:prefix": ["usage/*"] } },
    });
    const list = (prefix?: string) =>
      p.evaluate({
        action: "s3:ListBucket",
        resource: "arn:aws:s3:::usage-bucket",
        context: prefix === undefined ? {} : { "s3:prefix": prefix },
      }).allowed;
    expect(list("usage/c/")).toBe(true);
    expect(list("kickoff/")).toBe(false);
    expect(list(undefined)).toBe(false);
  });

  it("…IfExists is true when the key is absent; Null tests presence; negated operators", () => {
    const p = policy(
      {
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: "*",
        Condition: { StringLikeIfExists: { "s3:prefix": "usage/*" } },
      },
      {
        Effect: "Deny",
        Action: "s3:ListBucket",
        Resource: "*",
        Condition: { Null: { "s3:delimiter": "false" } },
      },
      {
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: "*",
        Condition: { StringNotEquals: { "aws:requestedregion": ["cn-north-1", "cn-northwest-1"] } },
      },
    );
    expect(p.evaluate({ action: "s3:ListBucket", resource: "b", context: {} }).allowed).toBe(true);
    expect(
      p.evaluate({ action: "s3:ListBucket", resource: "b", context: { "s3:prefix": "x/" } }).allowed,
    ).toBe(false);
    expect(
      p.evaluate({ action: "s3:ListBucket", resource: "b", context: { "s3:delimiter": "/" } }),
    ).toMatchObject({
      reason: "explicit-deny",
    });
    expect(
      p.evaluate({ action: "s3:GetObject", resource: "b/k", context: { "aws:requestedregion": "us-east-1" } })
        .allowed,
    ).toBe(true);
    expect(
      p.evaluate({
        action: "s3:GetObject",
        resource: "b/k",
        context: { "aws:requestedregion": "cn-north-1" },
      }).allowed,
    ).toBe(false);
  });

  it("ForAllValues / ForAnyValue over a multi-valued key (ses:Recipients)", () => {
    const p = policy({
      Effect: "Allow",
      Action: "ses:SendEmail",
      Resource: "*",
      Condition: { "ForAllValues:StringLike": { "ses:Recipients": ["*@partya.example"] } },
    });
    const send = (recipients: string[]) =>
      p.evaluate({ action: "ses:SendEmail", resource: "i", context: { "ses:recipients": recipients } })
        .allowed;
    expect(send(["mali@partya.example", "li@partya.example"])).toBe(true);
    expect(send(["mali@partya.example", "x@elsewhere.example"])).toBe(false);
    const any = policy({
      Effect: "Deny",
      Action: "ses:SendEmail",
      Resource: "*",
      Condition: { "ForAnyValue:StringLike": { "ses:Recipients": ["*@elsewhere.example"] } },
    });
    expect(
      any.evaluate({
        action: "ses:SendEmail",
        resource: "i",
        context: { "ses:recipients": ["a@partya.example", "x@elsewhere.example"] },
      }),
    ).toMatchObject({ reason: "explicit-deny" });
  });

  it("an operator it does not evaluate: an Allow does not grant, a Deny denies (conservative)", () => {
    const allow = policy({
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: "*",
      Condition: { DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } },
    });
    expect(allow.evaluate({ action: "s3:GetObject", resource: "b/k" }).allowed).toBe(false);
    const deny = policy(
      { Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
      {
        Effect: "Deny",
        Action: "s3:GetObject",
        Resource: "*",
        Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } },
      },
    );
    expect(deny.evaluate({ action: "s3:GetObject", resource: "b/k" })).toMatchObject({
      reason: "explicit-deny",
    });
  });

  it("an operation needing several grants is refused at the first it lacks", () => {
    const p = policy({ Effect: "Allow", Action: "dynamodb:PutItem", Resource: TABLE });
    expect(
      p.evaluateAll([
        { action: "dynamodb:PutItem", resource: TABLE },
        { action: "dynamodb:UpdateItem", resource: TABLE },
      ]),
    ).toMatchObject({ allowed: false, action: "dynamodb:UpdateItem" });
  });
  it("evaluates each request as its own, the same request asked again included: another context, action or resource is never answered from an earlier one", () => {
    // The stack asks about the same few requests thousands of times a run, so answers are remembered (ADR 0103);
    // only the request's action, resource and context may decide which answer is the same.
    const p = policy({
      Effect: "Allow",
      Action: "ses:SendEmail",
      Resource: "*",
      Condition: { StringEquals: { "ses:FromAddress": "billing@contract-ops.localhost" } },
    });
    const from = (address: string) => ({
      action: "ses:SendEmail",
      resource: "arn:aws:ses:us-east-1:000000000000:identity/contract-ops.localhost",
      context: { "ses:fromaddress": address },
    });
    const answers = [
      p.evaluate(from("billing@contract-ops.localhost")).allowed,
      p.evaluate(from("billing@contract-ops.localhost")).allowed,
      p.evaluate(from("someone@elsewhere.example")).allowed,
      p.evaluate(from("billing@contract-ops.localhost")).allowed,
      p.evaluate({ ...from("billing@contract-ops.localhost"), action: "ses:SendRawEmail" }).allowed,
      p.evaluate({ ...from("billing@contract-ops.localhost"), context: {} }).allowed,
    ];
    expect(answers).toEqual([true, true, false, true, false, false]);
  });
});
