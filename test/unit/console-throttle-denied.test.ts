/**
 * The contract page when the console's credentials may not read the complaints feed (R-THROTTLE-1): on AWS
 * the console runs with the caller's read-only credentials, and S3 answers GetObject with 403 AccessDenied
 * when they lack s3:GetObject — or, for a key that does not exist, when they lack s3:ListBucket (S3 API
 * reference, GetObject: "If you don't have the s3:ListBucket permission, Amazon S3 returns an HTTP status code
 * 403 Access Denied error"). The page must still draw, saying so, instead of failing as a whole.
 * Unit test of console-throttle alone: the storage adapter is replaced by a stub.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

const stored = vi.hoisted(() => ({ answer: async (): Promise<string | undefined> => undefined }));
vi.mock("../../functions/adapters/usage-store", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../functions/adapters/usage-store")>()),
  storedComplaints: () => stored.answer(),
}));

import { throttleSection } from "../../console/pages/throttle";
import { UsageAccessDeniedError } from "../../functions/adapters/usage-store";
import { portThrottle } from "../../functions/app/console-throttle";
import { loadContract } from "../../functions/core/contract";

/** What the SDK throws for S3's 403 AccessDenied (an S3ServiceException: name, $fault, $metadata). */
function s3Error(name: string, httpStatusCode: number): Error {
  return Object.assign(
    new Error(name === "AccessDenied" ? "Access Denied" : "We encountered an internal error"),
    {
      name,
      $fault: httpStatusCode < 500 ? "client" : "server",
      $metadata: { httpStatusCode },
    },
  );
}

const contract = await loadContract("contracts/11NA0700211920254001.json");
const at = new Date("2025-09-20T04:00:00Z");

describe("the complaints feed the console may not read (R-THROTTLE-1)", () => {
  beforeEach(() => {
    stored.answer = async () => undefined;
  });

  it("AccessDenied: the page says the feed could not be read for lack of permission, and draws", async () => {
    stored.answer = async () => {
      throw new UsageAccessDeniedError(
        "usage/11NA0700211920254001/complaints.csv",
        "GetObject",
        s3Error("AccessDenied", 403),
      );
    };
    const view = await portThrottle(contract, ["2025-09"], at);
    expect(view.feed).toBe("denied");
    const zh = throttleSection("zh", contract.contractId, view);
    expect(zh).toContain("无权读取用户投诉记录");
    expect(zh).toContain(`<code>usage/${contract.contractId}/complaints.csv</code>`);
    expect(zh).not.toContain("throttle-strip");
    expect(throttleSection("en", contract.contractId, view)).toContain("may not read the complaints feed");
  });

  it("any other failure of S3 still fails the page (nothing hidden)", async () => {
    stored.answer = async () => {
      throw s3Error("InternalError", 500);
    };
    await expect(portThrottle(contract, ["2025-09"], at)).rejects.toThrow("internal error");
  });
});
