/**
 * To Party A's contact: the VAT ordinary invoice (增值税普通发票) for a period's payment was issued. Party B
 * owes it within N working days of receiving the payment (PROVISION.invoice); the email says whether that was met.
 */
import { cite, clauseWords, PROVISION } from "../clause-words";
import {
  EmailInputError,
  formatDate,
  formatDeadline,
  formatInstantDay,
  formatPeriod,
  formatYuan,
  instantLocalDate,
} from "./format";
import { renderEmail } from "./layout";
import type { ContractView, DeadlineView, RenderedEmail } from "./types";

export interface InvoiceIssuedEmailInput {
  contract: ContractView;
  period: string;
  /** 发票号码. */
  invoiceNumber: string;
  /** 发票代码, for invoices that still carry one (a fully digital invoice has none). */
  invoiceCode: string | null;
  invoiceAmount: string;
  issuedOn: string;
  paymentAmount: string;
  paymentReceivedOn: string;
  /** PROVISION.invoice. */
  invoiceDeadline: DeadlineView;
}

export function renderInvoiceIssuedEmail(input: InvoiceIssuedEmailInput): RenderedEmail {
  const { contract, invoiceDeadline } = input;
  if (!input.invoiceNumber.trim())
    throw new EmailInputError(`invoice number is empty (${clauseWords(PROVISION.invoice)})`);
  const period = formatPeriod(input.period);
  // Both sides are Asia/Shanghai days written YYYY-MM-DD, so string order is date order.
  const onTime = input.issuedOn <= instantLocalDate(invoiceDeadline.dueAt);
  return renderEmail({
    subject: `${period}账单增值税普通发票已开具（发票号码 ${input.invoiceNumber}）｜合同 ${contract.contractId}`,
    title: "增值税普通发票已开具",
    recipients: [contract.partyAContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: `乙方已收到贵方${period}账单的付款，并已开具相应的增值税普通发票${cite(PROVISION.invoice)}。`,
      },
      {
        kind: "facts",
        rows: [
          { label: "发票种类", value: "增值税普通发票" },
          ...(input.invoiceCode ? [{ label: "发票代码", value: input.invoiceCode }] : []),
          { label: "发票号码", value: [{ strong: input.invoiceNumber }] },
          { label: "发票金额", value: [{ strong: formatYuan(input.invoiceAmount) }] },
          { label: "开票日期", value: formatDate(input.issuedOn) },
          {
            label: "收到付款",
            value: `${formatDate(input.paymentReceivedOn)}，${formatYuan(input.paymentAmount)}`,
          },
          {
            label: `开票期限${cite(PROVISION.invoice)}`,
            value: `收到付款后 ${invoiceDeadline.workingDays} 个工作日内，即 ${formatDeadline(invoiceDeadline)}`,
          },
        ],
      },
      {
        kind: "paragraph",
        content: onTime
          ? "发票在合同约定的期限内开具。"
          : `发票晚于合同约定的期限（${formatInstantDay(invoiceDeadline.dueAt)}）开具，已记入违约登记${cite(PROVISION.breach)}。`,
      },
      {
        kind: "paragraph",
        content: `发票如有信息错误，请联系乙方联系人${contract.partyBContactName}（电话 ${contract.partyBContactPhone}，邮箱 ${contract.partyBContactEmail}）。`,
      },
    ],
  });
}
