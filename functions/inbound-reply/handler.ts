/**
 * SES receipt rule action (after the S3 action stored the raw message): Party A's reconciliation reply
 * (R-RECON-1..3), trusted and understood by the core, or handed to a person. The event is checked with
 * the Powertools Parser's SES schema (functions/adapters/ses-event.ts).
 */
import { sesInboundEvent } from "../adapters/ses-event";
import { loadStackCalendar } from "../app/calendar";
import { handleInboundEmail } from "../app/inbound-reply";
import { lambdaHandler } from "../handler-kit";

export const handler = lambdaHandler("inbound-reply", sesInboundEvent, handleInboundEmail, {
  workingDays: loadStackCalendar,
});
