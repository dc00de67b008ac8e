/**
 * The DynamoDB single table (architecture §5), one module per concern under ./repository/. This barrel
 * keeps the one import path the handlers and the application layer use.
 */

export * from "./repository/audit";
export * from "./repository/billed-total";
export * from "./repository/contracts";
export * from "./repository/cycles";
export * from "./repository/ledger";
export * from "./repository/outbox";
export * from "./repository/replies";
export { NotFoundError } from "./repository/table";
export * from "./repository/terms";
