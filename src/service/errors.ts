// A refusal the caller should read. Its kind says what sort of refusal it is, so each front end
// answers in its own terms: chat shows the text, the HTTP API maps the kind to a status.

export type ErrorKind =
  /** The policy does not let this person (or the API) do it. */
  | 'forbidden'
  /** The incident, page, schedule or person named does not exist. */
  | 'not_found'
  /** Bad input: fix the command and try again (often with the right form in `usage`). */
  | 'invalid'
  /** The state does not allow it now (already resolved, already declared, already that severity). */
  | 'conflict';

/** Thrown inside a service transaction, which it rolls back; the service turns it into a Reply. */
export class UserError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}
