/**
 * The single DynamoDB table (architecture §5), built from `contractOpsTable` so AWS and the embedded
 * dynalite table cannot drift. PITR on; kept when the stack is deleted (billing data, R-RETAIN-1).
 */
import { RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import { Construct } from "constructs";
import { contractOpsTable } from "../table-schema";

const attribute = (key: { name: string; type: string }): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === "S" ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

export class ContractOpsTable extends Construct {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, "Table", {
      partitionKey: attribute(contractOpsTable.partitionKey),
      sortKey: attribute(contractOpsTable.sortKey),
      timeToLiveAttribute: contractOpsTable.timeToLiveAttribute,
      globalSecondaryIndexes: contractOpsTable.globalSecondaryIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      })),
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The AWS-managed key keeps callers free of KMS grants while the data stays encrypted at rest.
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Every index ARN by name: grants name the GSI instead of `index/*`. */
  get indexArns(): string[] {
    return contractOpsTable.globalSecondaryIndexes.map(
      (index) => `${this.table.tableArn}/index/${index.indexName}`,
    );
  }
}
