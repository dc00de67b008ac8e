/**
 * What the lean S3 GetObject client's unit tests share (ADR 0096): the AWS documentation's example credentials,
 * a request handler that records what it is given and sends nothing, and S3's error document.
 */
import { Readable } from "node:stream";
import { HttpResponse } from "@smithy/core/protocols";
import type { HttpRequest } from "@smithy/types";

/** The example credentials of the AWS documentation. */
export const EXAMPLE_CREDENTIALS = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** A request handler that records each request and answers from `answers` in turn (the last one repeats). */
export function recordingHandler(answers: Answer[] = [{ status: 200 }]) {
  const requests: HttpRequest[] = [];
  const handler = {
    metadata: { handlerProtocol: "http/1.1" },
    handle: async (request: HttpRequest) => {
      requests.push(request);
      const answer = answers[Math.min(requests.length - 1, answers.length - 1)] ?? { status: 200 };
      return {
        response: new HttpResponse({
          statusCode: answer.status,
          headers: answer.headers ?? {},
          body: Readable.from(answer.body === undefined ? [] : [Buffer.from(answer.body)]),
        }),
      };
    },
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
    destroy: () => {},
  };
  return { handler, requests };
}

/** S3's error document (Amazon S3 API Reference, "Error responses"). */
export function s3ErrorDocument(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId><HostId>host-id</HostId></Error>`;
}
