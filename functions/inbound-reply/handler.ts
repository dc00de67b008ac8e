/**
 * SES receipt rule action (after the S3 action stored the raw message): Party A's reconciliation reply
 * (R-RECON-1..3), trusted and understood by the core, or handed to a person.
 */

import type { SESEvent } from "aws-lambda";
import * as z from "zod";
import { handleInboundEmail } from "../app/inbound-reply";
import { lambdaHandler } from "../handler-kit";

const verdict = z.object({ status: z.string() });
const sesEvent = z.object({
  Records: z
    .array(
      z.looseObject({
        eventSource: z.literal("aws:ses"),
        ses: z.looseObject({
          mail: z.looseObject({ messageId: z.string().min(1), source: z.string() }),
          receipt: z.looseObject({
            recipients: z.array(z.string()),
            timestamp: z.string(),
            spfVerdict: verdict,
            dkimVerdict: verdict,
            dmarcVerdict: verdict,
            spamVerdict: verdict,
            virusVerdict: verdict,
          }),
        }),
      }),
    )
    .min(1),
});

export const handler = lambdaHandler(
  "inbound-reply",
  sesEvent,
  (event) => handleInboundEmail(event as unknown as SESEvent),
  { workingDays: true },
);
