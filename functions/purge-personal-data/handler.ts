/**
 * The personal-data function behind its own Lambda function URL with auth type AWS_IAM (ADR 0083):
 * `ops purge-personal-data` runs here, on behalf of the IAM caller the URL authenticated (ADR 0038's
 * request and answer). Its role is the only one that may delete usage files (R-RETAIN-1).
 */
import { commandRequestHandler, functionUrlEvent, functionUrlResponse } from "../app/operator-request";
import { personalDataCommands } from "../app/personal-data";
import { lambdaHandler } from "../handler-kit";

export const handler = lambdaHandler(
  "purge-personal-data",
  functionUrlEvent,
  commandRequestHandler(personalDataCommands),
  { output: functionUrlResponse },
);
