/**
 * The MonthlyCycle execution's variables (架构 §4): `$contractId`, `$period`, `$sent` (deadlines from "Send the
 * bill"), `$reply` (the reconciliation outcome). Inside the Parallel: `$reopened`, `$paid` (branch scope only);
 * the branches return `{agreed}` and `{payment, invoice}`, which the Parallel assigns to `$agreed`, `$payment`,
 * `$invoice` for "Close the cycle".
 */
export const CONTRACT = "{% $contractId %}";
export const PERIOD = "{% $period %}";
