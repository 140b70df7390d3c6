/** A refusal the caller should read (bad input, not allowed, wrong state). Rolls the transaction back. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}
