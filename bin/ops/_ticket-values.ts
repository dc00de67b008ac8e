import { invalidValue } from "./_values";

/** A ticket id as `open-ticket` makes them (`fault-20251030T2230`) or as the operator names it. */
export function ticketIdValue(field: string, text: string): string {
  if (!/^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$/.test(text))
    throw invalidValue(field, text, "a ticket id of letters, digits and . _ - (e.g. fault-20251030T2230)");
  return text;
}
