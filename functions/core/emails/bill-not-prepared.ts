/**
 * To Party B's contact: a period's bill could not be prepared — "Rate usage and prepare the bill" failed after
 * its retries, so nothing went to Party A. The bill is still due within the working days the contract gives
 * (the clause is cited in words); the people who can fix the cause (a usage file, a permission) are told what
 * failed, and the MonthlyCycle execution ends FAILED so it can be redriven once the cause is fixed.
 */
import { formatPeriod } from "./format";
import { renderEmail } from "./layout";
import type { ContractView, RenderedEmail } from "./types";

export interface BillNotPreparedEmailInput {
  contract: ContractView;
  period: string;
  /** The step's error name as Step Functions recorded it, e.g. `UsageFileError`, `AccessDenied`. */
  error: string;
  /** What the error said (a file name or a permission; never personal data). */
  message: string;
  /** The MonthlyCycle execution to redrive, e.g. `<contractId>-<YYYY-MM>`. */
  executionName: string;
  /** The clause that sets the bill's deadline, in words, e.g. `（合同第四条4.5、4.6、4.8款）`. */
  billClause: string;
}

export function renderBillNotPreparedEmail(input: BillNotPreparedEmailInput): RenderedEmail {
  const { contract } = input;
  const period = formatPeriod(input.period);
  return renderEmail({
    subject: `【需处理】${period}账单未能生成｜合同 ${contract.contractId}`,
    title: `${period}账单未能生成`,
    recipients: [contract.partyBContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: `出账步骤“计费并生成账单”重试后仍然失败，${period}账单未生成，也未发给甲方。账单仍须按合同约定的期限发出${input.billClause}。`,
      },
      {
        kind: "facts",
        rows: [
          { label: "错误", value: input.error },
          { label: "说明", value: input.message },
          { label: "执行名称", value: input.executionName },
        ],
      },
      {
        kind: "note",
        tone: "warning",
        content:
          "请排除原因（如使用量文件无法读取、权限不足）后，在 Step Functions 控制台对该执行选择“重新驱动”（Redrive），账单将从此步骤重新生成。",
      },
    ],
  });
}
