/**
 * The contract page saved as one HTML file, Chinese, with no server behind it: `npm start` writes it as
 * out/report.html while the embedded stack is still up.
 */
import { type ContractReads, contractDetail } from "../functions/app/console-model";
import { standalonePage } from "./html";
import { t } from "./i18n";
import { contractPage } from "./pages/contracts";

export async function contractReportHtml(
  contractId: string,
  now: Date,
  read?: ContractReads,
): Promise<string> {
  const detail = await contractDetail(contractId, now, read);
  return standalonePage({
    title: `${t("zh", "contract")} ${contractId}`,
    lang: "zh",
    now,
    body: contractPage("zh", detail, { standalone: true }),
  });
}
