/**
 * The usage store names S3's 403 on the complaints feed (R-THROTTLE-1's input): GetObject answers
 * AccessDenied when the caller lacks s3:GetObject, and also for a missing key when it lacks s3:ListBucket
 * (S3 API reference, GetObject, "Permissions"). A 404 NoSuchKey is "no feed uploaded"; anything else passes on.
 * Unit test of the adapter alone: the S3 client is a stub answering as the SDK throws.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

const s3 = vi.hoisted(() => ({ failure: undefined as Error | undefined }));
vi.mock("../../functions/adapters/aws-config", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../functions/adapters/aws-config")>()),
  awsConfig: () => ({ usageBucket: "usage-bucket" }),
  s3Client: () => ({
    send: async () => {
      throw s3.failure;
    },
  }),
}));

import { storedComplaints, UsageAccessDeniedError } from "../../functions/adapters/usage-store";

function s3Error(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(name), { name, $fault: "client", $metadata: { httpStatusCode } });
}

describe("the stored complaints feed when S3 refuses (R-THROTTLE-1)", () => {
  beforeEach(() => {
    s3.failure = undefined;
  });

  it("403 AccessDenied on GetObject is named, with the key", async () => {
    s3.failure = s3Error("AccessDenied", 403);
    const read = storedComplaints("C1");
    await expect(read).rejects.toBeInstanceOf(UsageAccessDeniedError);
    await expect(read).rejects.toThrow("S3 answered 403 to GetObject of usage/C1/complaints.csv");
  });

  it("404 NoSuchKey is no feed; a 500 passes on unchanged", async () => {
    s3.failure = s3Error("NoSuchKey", 404);
    await expect(storedComplaints("C1")).resolves.toBeUndefined();
    s3.failure = s3Error("InternalError", 500);
    await expect(storedComplaints("C1")).rejects.toThrow("InternalError");
  });
});
