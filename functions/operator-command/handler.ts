/**
 * The operator function behind a Lambda function URL with auth type AWS_IAM (ADR 0038): every `ops` write
 * command but `purge-personal-data` (ADR 0083) runs here, on behalf of the IAM caller the URL
 * authenticated, so the operator role itself needs no write on the table.
 */
import { loadStackCalendar } from "../app/calendar";
import { operatorCommands } from "../app/operator-commands";
import { commandRequestHandler, functionUrlEvent, functionUrlResponse } from "../app/operator-request";
import { lambdaHandler } from "../handler-kit";

export const handler = lambdaHandler(
  "operator-command",
  functionUrlEvent,
  commandRequestHandler(operatorCommands),
  { output: functionUrlResponse, workingDays: loadStackCalendar },
);
