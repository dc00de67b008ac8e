/**
 * express is CommonJS without type declarations here. infra/local/ses-local.ts only hands it to the SES emulator,
 * whose web framework it is (ADR 0111), so nothing of its API is declared.
 */
declare module "express" {
  const express: (...args: never[]) => unknown;
  export default express;
}
