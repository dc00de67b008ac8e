/**
 * The event an SES receipt rule's Lambda action sends (SES Developer Guide, "Sample incoming email
 * event"), validated with the Powertools Parser's SES schema. Two fields are relaxed where the schema is
 * stricter than what SES sends (ADR 0045): `dmarcPolicy` is absent from AWS's own sample event (SES sets
 * it only for a sending domain with a DMARC policy), and a message without a From, To or Subject header
 * has no such common header — that reply must reach a person, not be dropped as an invalid event.
 */
import { SesRecordSchema, SesSchema } from "@aws-lambda-powertools/parser/schemas/ses";
import * as z from "zod";

const { ses } = SesRecordSchema.shape;
const { mail, receipt } = ses.shape;

const sesRecord = SesRecordSchema.extend({
  ses: ses.extend({
    mail: mail.extend({
      commonHeaders: mail.shape.commonHeaders.partial({ from: true, to: true, subject: true }),
    }),
    receipt: receipt.partial({ dmarcPolicy: true }),
  }),
});

export const sesInboundEvent = SesSchema.extend({ Records: z.array(sesRecord).min(1) });

export type SesInboundEvent = z.infer<typeof sesInboundEvent>;
export type SesInboundRecord = z.infer<typeof sesRecord>;
