/**
 * Handler outputs the state machines read are validated before Step Functions sees them (style.md: zod
 * for handler outputs workflows read): a step that would hand the workflow a malformed value fails
 * loudly, as a task error, instead of a later JSONata expression reading undefined.
 */
import type { Context } from "aws-lambda";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { lambdaHandler } from "../../functions/handler-kit";
import { cycleStep, outputs } from "../../functions/schemas";

const context = { awsRequestId: "test" } as Context;
const event = { contractId: "11NA0700211920254001", period: "2025-09" };

describe("handler outputs", () => {
  it("refuses an output that does not match its schema, naming the field", async () => {
    const handler = lambdaHandler("send-bill", cycleStep, async () => ({ sentAt: 1 }), {
      output: outputs.sendBill,
    });
    await expect(handler(event, context)).rejects.toMatchObject({
      name: "InvalidOutputError",
      message: expect.stringMatching(/send-bill: invalid output: .*sentAt/),
    });
  });

  it("passes a matching output through unchanged", async () => {
    const result = {
      sentAt: "2025-10-01T01:00:05+08:00",
      reminderAt: null,
      reconciliationDeadline: "2025-10-21T23:59:59+08:00",
      paymentDue: "2025-10-21T23:59:59+08:00",
      lateBill: false,
      paymentExpected: true,
    };
    const handler = lambdaHandler("send-bill", cycleStep, async () => result, { output: outputs.sendBill });
    await expect(handler(event, context)).resolves.toEqual(result);
  });

  it("every output schema the workflows read is an object schema", () => {
    for (const schema of Object.values(outputs)) expect(schema).toBeInstanceOf(z.ZodObject);
  });
});
