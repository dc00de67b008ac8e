import { cycleCommand } from "./_cycle-command";

export default cycleCommand({
  name: "record-payment",
  summary:
    "record one payment of Party A toward a period's bill (R-PAY-1); says whether the bill is paid in full, short (R-PAY-2 goes on) or overpaid (credit carried to the next bill)",
  required: ["amount", "date"],
  optional: ["account"],
  placeholders: { amount: "<a>", date: "<YYYY-MM-DD|instant>", account: "<digits paid into>" },
  header: [
    "entry",
    "paid at",
    "amount",
    "bill total",
    "paid so far",
    "outstanding",
    "credit carried",
    "late (R-PAY-1)",
    "invoice due (R-INV-1)",
    "workflow",
  ],
  row: (r) => [
    r.entry,
    r.paidAt,
    r.amount,
    r.billTotal,
    r.paid,
    r.outstanding,
    r.creditCarried,
    r.late ? "yes" : "no",
    r.invoiceDue ?? "—",
    r.workflow,
  ],
  note: (r) =>
    r.account?.notInForce
      ? `${r.message}\npaid into ${r.account.paidInto}, not Party B's account in force ${r.account.inForce ?? "(none)"} (R-BANK-1)`
      : r.message,
});
