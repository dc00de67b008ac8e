/**
 * The in-process exchange's header folding (ADR 0113) against Node's own (`IncomingMessage.prototype.
 * _addHeaderLine`, what Node's server and client run on every field they parse), the oracle: the same fields in
 * the same order must give the same `headers` object — names, values, lists, key order — whether duplicates are
 * dropped (Node's default) or joined (a server's `joinDuplicateHeaders`).
 */
import { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { foldField, headersOf } from "../../infra/local/in-process-headers";

const nodeFold = (
  IncomingMessage.prototype as unknown as {
    _addHeaderLine(this: { joinDuplicateHeaders: boolean }, name: string, value: string, into: object): void;
  }
)._addHeaderLine;

/** Field lists a client or server may send, each [name, value] in order. */
const fieldLists: Array<[string, Array<[string, string]>]> = [
  [
    "what the SDK sends for a DynamoDB call",
    [
      ["content-type", "application/x-amz-json-1.0"],
      ["x-amz-target", "DynamoDB_20120810.GetItem"],
      ["x-amz-user-agent", "aws-sdk-js/3.1169.0"],
      ["user-agent", "aws-sdk-js/3.1169.0 ua/2.1 os/linux#6.8 lang/js md/nodejs#22"],
      ["amz-sdk-invocation-id", "6c1c5c3e-7f0b-4a58-9d8e-4f3a0b0e8f11"],
      ["amz-sdk-request", "attempt=1; max=3"],
      ["x-amz-date", "20261201T000000Z"],
      ["x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
      ["authorization", "AWS4-HMAC-SHA256 Credential=S3RVER/20261201/us-east-1/dynamodb/aws4_request"],
      ["content-length", "42"],
      ["host", "127.0.0.1:4567"],
    ],
  ],
  [
    "what dynalite and s3rver answer, in their case",
    [
      ["x-amzn-RequestId", "ABC"],
      ["x-amz-crc32", "123"],
      ["Content-Type", "application/x-amz-json-1.0"],
      ["Content-Length", "2"],
      ["Date", "Tue, 01 Dec 2026 00:00:00 GMT"],
      ["Connection", "keep-alive"],
      ["ETag", '"abc"'],
      ["Last-Modified", "Tue, 01 Dec 2026 00:00:00 GMT"],
    ],
  ],
  [
    "repeated fields: dropped, joined with a comma, joined with a semicolon, a list",
    [
      ["Content-Type", "text/plain"],
      ["content-type", "text/html"],
      ["CONTENT-TYPE", "text/csv"],
      ["x-amz-meta-list", "a"],
      ["X-Amz-Meta-List", "b"],
      ["Accept", "text/plain"],
      ["accept", "text/html"],
      ["Cookie", "a=1"],
      ["cookie", "b=2"],
      ["Set-Cookie", "one=1"],
      ["set-cookie", "two=2"],
      ["Host", "a"],
      ["host", "b"],
      ["authorization", "one"],
      ["Authorization", "two"],
    ],
  ],
  ["Set-Cookie once", [["set-cookie", "only=1"]]],
  [
    "names an empty object already has, inherited",
    [
      ["constructor", "c"],
      ["toString", "t"],
      ["__proto__", "p"],
      ["hasOwnProperty", "h"],
      ["valueOf", "v"],
      ["Constructor", "C"],
    ],
  ],
  [
    "names beyond ASCII",
    [
      ["X-Ünïcode", "1"],
      ["x-ünïcode", "2"],
      ["X-KELVIN-\u212A", "3"],
    ],
  ],
];

describe("the in-process exchange folds header fields as Node does", () => {
  for (const joinDuplicateHeaders of [false, true]) {
    it(`gives Node's headers object for every field list (joinDuplicateHeaders ${joinDuplicateHeaders})`, () => {
      for (const [name, fields] of fieldLists) {
        const expected: Record<string, string | string[]> = {};
        const folded: Record<string, string | string[]> = {};
        for (const [field, value] of fields) {
          nodeFold.call({ joinDuplicateHeaders }, field, value, expected);
          foldField({ joinDuplicateHeaders }, field, value, folded);
        }
        expect({ name, keys: Object.keys(folded) }).toEqual({ name, keys: Object.keys(expected) });
        expect({ name, folded }).toEqual({ name, folded: expected });
        expect(Object.getPrototypeOf(folded)).toBe(Object.prototype);
      }
    });
  }

  it("reads a serialised head as Node's client and then NodeHttpHandler do", () => {
    const head =
      "HTTP/1.1 201 Made Here\r\nx-amz-meta-list: a\r\nX-Amz-Meta-List:\tb \r\nSet-Cookie: one=1\r\n" +
      "set-cookie: two=2\r\nContent-Length: 4\r\nContent-Length: 5\r\nDate: Tue, 01 Dec 2026 00:00:00 GMT\r\n\r\n";
    // Node's client drops a repeated Content-Length, joins other repeats with ", " and keeps Set-Cookie as a
    // list, which NodeHttpHandler joins with "," (its `getTransformedHeaders`).
    expect(headersOf(head)).toEqual({
      "x-amz-meta-list": "a, b",
      "set-cookie": "one=1,two=2",
      "content-length": "4",
      date: "Tue, 01 Dec 2026 00:00:00 GMT",
    });
  });
});
