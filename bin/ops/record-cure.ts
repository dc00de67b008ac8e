import { breachAnswerCommand } from "./_breach-answer";

export default breachAnswerCommand(
  "cure",
  "record the breaching party's written confirmation that a breach is cured (R-BREACH-1, clause 5.1)",
);
