/**
 * `ops reconcile --bill <amount> --reply <amount> [--agreed <amount>] [--last-period] [--tolerance <percent>]`:
 * Party A's figure against the bill (R-RECON-2, R-RECON-3), what is settled (R-RECON-4) and the adjustment —
 * carried to the next period, or for the contract's last period a true-up both ways (R-END-1).
 */
import { formatFen } from "../../functions/core/money";
import {
  adjustmentForNextPeriod,
  classifyReconciliation,
  finalTrueUp,
  ReconciliationInputError,
} from "../../functions/core/reconciliation";
import { invalidValue, moneyValue, noPositionals, percentValue } from "./_values";
import { InputError, type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage =
  "npm run ops -- reconcile --bill <amount> --reply <amount> [--agreed <amount>] [--last-period] [--tolerance <percent>] [--json]";

const command: OpsCommand = {
  summary: "classify Party A's reconciliation figure against the bill (R-RECON-2..4, R-END-1)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        bill: { type: "string" },
        reply: { type: "string" },
        agreed: { type: "string" },
        "last-period": { type: "boolean" },
        tolerance: { type: "string" },
      },
      usage,
    );
    noPositionals(positionals, usage);
    const bill = formatFen(moneyValue("--bill", requireOption(values.bill, "--bill", usage), "non-negative"));
    const reply = formatFen(
      moneyValue("--reply", requireOption(values.reply, "--reply", usage), "non-negative"),
    );
    const agreedText =
      values.agreed === undefined
        ? undefined
        : formatFen(moneyValue("--agreed", values.agreed, "non-negative"));
    const tolerance = values.tolerance === undefined ? "5" : percentValue("--tolerance", values.tolerance);
    try {
      const classified = classifyReconciliation(bill, reply, tolerance);
      if (values.agreed !== undefined && classified.outcome === "stands") {
        throw invalidValue(
          "--agreed",
          values.agreed,
          "no --agreed: within tolerance the bill total stands (R-RECON-2); --agreed applies only after a re-reconciliation",
        );
      }
      const lastPeriod = values["last-period"] === true;
      const agreed = classified.outcome === "stands" ? classified.billTotal : agreedText;
      const adjustmentNextPeriod =
        lastPeriod || agreed === undefined ? null : adjustmentForNextPeriod(classified.billTotal, agreed);
      const trueUp = lastPeriod && agreed !== undefined ? finalTrueUp(classified.billTotal, agreed) : null;
      const json = {
        outcome: classified.outcome,
        rule: classified.rule,
        billTotal: classified.billTotal,
        reply: classified.partyAFigure,
        difference: classified.difference,
        differencePercent: classified.differencePercent,
        settlementAmount: classified.settlementAmount,
        agreedAmount: agreed ?? null,
        adjustmentNextPeriod,
        finalTrueUp: trueUp,
      };
      const adjustmentText =
        adjustmentNextPeriod !== null
          ? adjustmentNextPeriod
          : trueUp
            ? `${trueUp.direction} ${trueUp.amount} (R-END-1)`
            : "fixed by re-reconciliation within 10 working days (R-RECON-3); pass --agreed";
      const rows: string[][] = [
        ["outcome", `${classified.outcome} (${classified.rule})`],
        ["bill total", classified.billTotal],
        ["Party A's figure", classified.partyAFigure],
        ["difference", classified.difference],
        ["difference %", classified.differencePercent ?? "n/a (zero bill)"],
        ["payment due on", `${classified.settlementAmount} (R-RECON-4)`],
        [lastPeriod ? "final true-up" : "adjustment next period", adjustmentText],
      ];
      return { json, text: table(["", "CNY"], rows) };
    } catch (error) {
      if (error instanceof ReconciliationInputError) throw new InputError(error.message, { cause: error });
      throw error;
    }
  },
};

export default command;
