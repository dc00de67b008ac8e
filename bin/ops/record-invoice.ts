import { cycleCommand } from "./_cycle-command";

export default cycleCommand({
  name: "record-invoice",
  summary:
    "record the VAT invoice issued for a paid period (R-INV-1); emails Party A and completes the cycle's wait",
  required: ["number"],
  optional: ["date"],
  placeholders: { number: "<n>", date: "<YYYY-MM-DD|instant>" },
  header: ["invoice", "invoiced at", "late (R-INV-1)", "workflow"],
  row: (r) => [r.invoiceNumber, r.invoicedAt, r.late ? "yes" : "no", r.workflow],
});
