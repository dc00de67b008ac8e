/**
 * The callback adapter against the Step Functions wire protocol (awsJson1_0). The errors are those
 * the SendTaskSuccess API reference lists: TaskDoesNotExist, TaskTimedOut ("the task associated with
 * the token has already been closed") and InvalidToken mean the step has moved on; anything else is a
 * real failure the caller must see. A one-module unit test: a plain HTTP server answers as AWS does.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { resetAwsClients } from "../../functions/adapters/aws-config";
import { completeTask } from "../../functions/adapters/workflow";

let server: Server | undefined;
const saved = process.env.CONTRACT_OPS_SFN_ENDPOINT;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  process.env.CONTRACT_OPS_SFN_ENDPOINT = saved;
  resetAwsClients();
});

/** Answers every request with the given AWS error, as the Step Functions endpoint does (HTTP 400). */
async function stepFunctionsAnswering(errorCode: string): Promise<string[]> {
  const targets: string[] = [];
  const stub = createServer((request, response) => {
    targets.push(String(request.headers["x-amz-target"]));
    request.resume();
    request.on("end", () => {
      response.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
      response.end(
        JSON.stringify({ __type: `com.amazonaws.swf.service.v2.model#${errorCode}`, message: "x" }),
      );
    });
  });
  server = stub;
  await new Promise<void>((resolve) => stub.listen(0, "127.0.0.1", resolve));
  process.env.CONTRACT_OPS_SFN_ENDPOINT = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  resetAwsClients();
  return targets;
}

describe("completeTask", () => {
  it.each(["TaskDoesNotExist", "TaskTimedOut", "InvalidToken"])(
    "a token answered %s is already closed: the step has moved on",
    async (code) => {
      const targets = await stepFunctionsAnswering(code);
      await expect(completeTask("token-of-a-closed-task", { ok: true })).resolves.toBe("already-closed");
      expect(targets).toEqual(["AWSStepFunctions.SendTaskSuccess"]);
    },
  );

  it("any other error reaches the caller (InvalidOutput is a bug, not a closed task)", async () => {
    await stepFunctionsAnswering("InvalidOutput");
    await expect(completeTask("token", { ok: true })).rejects.toMatchObject({ name: "InvalidOutput" });
  });
});
