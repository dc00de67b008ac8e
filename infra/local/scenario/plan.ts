/**
 * What happens in one period of a run, with the defaults filled in: a period a scenario does not name
 * behaves as the plain run always did — Party A confirms 2 working days after receiving the bill, pays
 * the bill 6 working days after, and Party B invoices 3 working days after the payment.
 */
import { formatFen, parseYuanToFen } from "../../../functions/core/money";
import type {
  DecisionScenario,
  InvoiceScenario,
  PaymentScenario,
  PeriodScenario,
  ReplyScenario,
  Scenario,
} from "./schema";

export interface ReplyStep {
  kind: "confirm" | "dispute" | "unclear";
  amount?: string;
  workingDay: number;
  text?: string;
}

export interface PeriodPlan {
  replies: ReplyStep[];
  agreed?: { amount: string; workingDay: number };
  decision?: DecisionScenario;
  payments: PaymentScenario[];
  invoice: InvoiceScenario | null;
}

export const DEFAULT_REPLY_WORKING_DAY = 2;
export const DEFAULT_PAYMENT_WORKING_DAY = 6;
export const DEFAULT_INVOICE_WORKING_DAY = 3;

function replySteps(reply: PeriodScenario["reply"]): ReplyStep[] {
  const steps: ReplyScenario[] = reply === undefined ? [{ kind: "confirm" }] : [reply].flat();
  return steps.flatMap((step) =>
    step.kind === "none"
      ? []
      : [
          {
            kind: step.kind,
            workingDay: step.workingDay ?? DEFAULT_REPLY_WORKING_DAY,
            ...(step.amount !== undefined ? { amount: step.amount } : {}),
            ...(step.text !== undefined ? { text: step.text } : {}),
          },
        ],
  );
}

export function periodPlan(scenario: Scenario, period: string): PeriodPlan {
  const named = scenario.periods?.[period] ?? {};
  return {
    replies: replySteps(named.reply),
    ...(named.agreed ? { agreed: named.agreed } : {}),
    ...(named.decision ? { decision: named.decision } : {}),
    payments: named.payments ?? [{ amount: "bill", workingDay: DEFAULT_PAYMENT_WORKING_DAY }],
    invoice: named.invoice === undefined ? { workingDay: DEFAULT_INVOICE_WORKING_DAY } : named.invoice,
  };
}

/**
 * A figure of the scenario against a bill total: "bill", a whole percent of the bill (rounded down to
 * the fen, as a person taking a share would), or the yuan text itself, untouched — a wrong value must
 * reach the operation that refuses it.
 */
export function resolveFigure(figure: string, billTotal: string): string {
  if (figure === "bill") return billTotal;
  const percent = /^(\d{1,3})%$/.exec(figure);
  if (!percent) return figure;
  const totalFen = parseYuanToFen(billTotal, "any");
  return formatFen((totalFen * BigInt(percent[1] as string)) / 100n);
}
