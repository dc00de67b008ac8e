/**
 * To Party B's contact: a period's bill went out without a usage file the contract's services call for.
 * The bill is sent on time with what was received (PROVISION.billDelivery) and says which usage it lacks; this tells the
 * people who upload the files what is missing and where it belongs, so nobody mistakes the bill for complete.
 */
import type { UsageFile } from "../statement";
import { formatDate, formatPeriod, formatYuan } from "./format";
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

export interface UsageHeldEmailInput {
  contract: ContractView;
  period: string;
  missing: ReadonlyArray<{ file: UsageFile; objectKey: string }>;
  bucket: string;
  /** The last day the bill waits (YYYY-MM-DD); at that day's check it goes out with what it has. */
  lastBillingDay: string;
  /** When the bill is checked each working day (HH:MM, Beijing time). */
  checkTime: string;
}

/**
 * To Party B's contact, on the first day a usage file is missing: the bill waits for it (clauses 4.5 and 4.6:
 * the bill shows each service's actual usage and is due within 10 working days), checked each working day.
 */
export function renderUsageHeldEmail(input: UsageHeldEmailInput): RenderedEmail {
  const { contract } = input;
  const period = formatPeriod(input.period);
  const names = input.missing.map((m) => FILE_WORDS[m.file]).join("、");
  const lastDay = formatDate(input.lastBillingDay);
  return renderEmail({
    subject: `【需处理】${period}使用量文件缺失，账单暂缓出具：${names}｜合同 ${contract.contractId}`,
    title: `${period}使用量文件缺失，账单暂缓出具`,
    recipients: [contract.partyBContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: `出账时以下使用量文件不在存储桶 ${input.bucket} 中。合同第四条4.5款要求账单包含各业务的实际发生情况，4.6款要求账期结束后10个工作日内发送账单，因此${period}账单暂缓出具：每个工作日${input.checkTime}（北京时间）检查一次，文件上传后当天出账。`,
      },
      {
        kind: "facts",
        rows: [
          ...input.missing.map((m) => ({ label: FILE_WORDS[m.file], value: m.objectKey })),
          { label: "最迟出账日", value: lastDay },
        ],
      },
      {
        kind: "note",
        tone: "warning",
        content: `如${lastDay}${input.checkTime}仍未收到，账单将按已收到的数据发给甲方，并注明缺失的用量。`,
      },
    ],
  });
}
