import { recordPayment } from "../../functions/app/operations";
import { cycleCommand } from "./_cycle-command";

export default cycleCommand({
  name: "record-payment",
  summary: "record Party A's payment of a period's bill (R-PAY-1); completes the waiting workflow step",
  required: ["amount", "date"],
  placeholders: { amount: "<a>", date: "<YYYY-MM-DD|instant>" },
  run: recordPayment,
  header: ["paid at", "amount", "bill total", "late (R-PAY-1)", "invoice due (R-INV-1)", "workflow"],
  row: (r) => [r.paidAt, r.amount, r.billTotal, r.late ? "yes" : "no", r.invoiceDue, r.workflow],
});
