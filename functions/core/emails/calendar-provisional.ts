/**
 * To Party B's contact (the operator of this system), in November and December while next year's working-day
 * calendar is still provisional (PROVISION.provisionalCalendar): what that means for the deadlines and the commands that end it.
 */
import { cite, PROVISION } from "../clause-words";
import { formatDate } from "./format";
import { renderEmail } from "./layout";
import type { ContractView, RenderedEmail } from "./types";

export interface CalendarProvisionalEmailInput {
  contract: ContractView;
  /** The year still provisional, e.g. 2027. */
  year: number;
  /** The day of the check, `YYYY-MM-DD`. */
  checkedOn: string;
}

export function renderCalendarProvisionalEmail(input: CalendarProvisionalEmailInput): RenderedEmail {
  const { contract, year } = input;
  return renderEmail({
    subject: `${year}年工作日仍为暂定：请导入国务院${year}年节假日安排｜合同 ${contract.contractId}`,
    title: `${year}年工作日仍为暂定`,
    recipients: [contract.partyBContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: `截至${formatDate(input.checkedOn)}，系统中${year}年的工作日仍按法定节假日暂定计算${cite(PROVISION.provisionalCalendar)}：落在${year}年的账单、对账、付款和开票期限都标为“暂定”，调休上班日和调休放假日尚未计入。`,
      },
      {
        kind: "paragraph",
        content: `国务院办公厅发布《国务院办公厅关于${year}年部分节假日安排的通知》后，请将通知全文（标题至落款日期）保存为文本文件，并依次运行：`,
      },
      {
        kind: "list",
        items: [
          `npm run ops -- calendar import --notice <通知文件.txt>（生成 CN-${year}.json，列出与暂定日历不同的日期）`,
          `npm run ops -- calendar apply --year ${year} --dry-run（列出将要调整的期限）`,
          `npm run ops -- calendar apply --year ${year}（载入运行中的系统，调整期限并通知双方联系人）`,
        ],
      },
      {
        kind: "note",
        tone: "warning",
        content: "通知导入并载入前，每逢11月、12月的1日和15日都会再次提醒。",
      },
    ],
  });
}
