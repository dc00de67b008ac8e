/**
 * The CDK app (`npm run synth`, `npx cdk deploy`): the ContractOps stack with the cdk-nag AwsSolutions
 * checks as a validation plugin, so any unacknowledged finding stops synthesis.
 */
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { ContractOpsStack, STACK_NAME } from "./stack";

const app = new App();
new ContractOpsStack(app, STACK_NAME, {
  description: "Contract operations: rating, the monthly billing cycle and the renewal watch",
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
