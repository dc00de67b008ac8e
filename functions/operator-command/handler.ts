/**
 * The operator function behind a Lambda function URL with auth type AWS_IAM (ADR 0038): every `ops` write
 * command runs here, on behalf of the IAM caller the URL authenticated, so the operator role itself needs
 * no write on the table.
 */
import { loadStackCalendar } from "../app/calendar";
import { functionUrlEvent, functionUrlResponse, handleOperatorRequest } from "../app/operator-request";
import { lambdaHandler } from "../handler-kit";

export const handler = lambdaHandler("operator-command", functionUrlEvent, handleOperatorRequest, {
  output: functionUrlResponse,
  workingDays: loadStackCalendar,
});
