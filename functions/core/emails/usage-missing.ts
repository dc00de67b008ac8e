/**
 * To Party B's contact: a period's bill went out without a usage file the contract's services call for.
 * The bill is sent on time with what was received (R-BILL-1) and says which usage it lacks; this tells the
 * people who upload the files what is missing and where it belongs, so nobody mistakes the bill for complete.
 */
import type { UsageFile } from "../statement";
import { formatPeriod, formatYuan } from "./format";
import { renderEmail } from "./layout";
import type { ContractView, RenderedEmail } from "./types";

export interface UsageMissingEmailInput {
  contract: ContractView;
  period: string;
  /** The bill's total as sent, without the missing usage. */
  totalAmount: string;
  /** Each missing file with the object key it was expected under. */
  missing: ReadonlyArray<{ file: UsageFile; objectKey: string }>;
  /** The usage bucket the keys are in. */
  bucket: string;
}

const FILE_WORDS: Record<UsageFile, string> = { voice: "语音通话记录（话单）", sms: "短信使用记录" };

export function renderUsageMissingEmail(input: UsageMissingEmailInput): RenderedEmail {
  const { contract } = input;
  const period = formatPeriod(input.period);
  const names = input.missing.map((m) => FILE_WORDS[m.file]).join("、");
  return renderEmail({
    subject: `【需处理】${period}使用量文件缺失：${names}｜合同 ${contract.contractId}`,
    title: `${period}使用量文件缺失`,
    recipients: [contract.partyBContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: `出账时以下使用量文件不在存储桶 ${input.bucket} 中。${period}账单已按收到的数据发给甲方，结算总金额 ${formatYuan(input.totalAmount)}，未含缺失文件的用量，账单上已注明。`,
      },
      {
        kind: "facts",
        rows: input.missing.map((m) => ({ label: FILE_WORDS[m.file], value: m.objectKey })),
      },
      {
        kind: "note",
        tone: "warning",
        content:
          "使用量文件应在每月1日01:00（北京时间）出账前上传。请核实缺失原因；如需补计费用，请与甲方联系人另行核对，不要直接改动已发出的账单。",
      },
    ],
  });
}
