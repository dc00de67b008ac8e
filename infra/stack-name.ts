/**
 * The CloudFormation stack name `cdk deploy` gives the ContractOps stack: here, apart from the stack's
 * constructs, so the CLI can name the stack without loading aws-cdk-lib.
 */
export const STACK_NAME = "ContractOps";
