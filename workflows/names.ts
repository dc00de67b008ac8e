/**
 * The names Lambda code needs as well as the CDK stack: kept free of aws-cdk-lib, so a handler that
 * imports them does not bundle the CDK (test/infra/lambda-bundles.test.ts).
 */

/** One folder per Lambda under functions/ (functions/<name>/handler.ts, export `handler`). */
export const functionNames = [
  "list-active-contracts",
  "start-monthly-cycle",
  "prepare-bill",
  "report-bill-failure",
  "send-bill",
  "await-callback",
  "send-reminder",
  "record-missed-deadline",
  "open-re-reconciliation",
  "close-cycle",
  "plan-renewal-watch",
  "send-renewal-reminder",
  "renew-term",
  "continue-renewal-watch",
  "end-contract",
  "inbound-reply",
  "check-calendar-year",
  "obligation-clock",
  "operator-command",
  "purge-personal-data",
] as const;
export type FunctionName = (typeof functionNames)[number];

/** Fixed names, so function environments can carry the ARNs without a CloudFormation cycle. */
export const stateMachineNames = {
  monthlyKickoff: "ContractOps-MonthlyKickoff",
  monthlyCycle: "ContractOps-MonthlyCycle",
  renewalWatch: "ContractOps-RenewalWatch",
  calendarCheck: "ContractOps-CalendarCheck",
  obligationClock: "ContractOps-ObligationClock",
} as const;
