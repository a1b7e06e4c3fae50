/**
 * Errors that are the user's to fix. They carry the exit code and are printed as one line,
 * never with a stack trace. Anything else that escapes is an internal error.
 */
export class EntrypointError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'EntrypointError';
  }
}

/** Bad command line, environment option or config file: exit 2 with a pointer to --help. */
export class UsageError extends EntrypointError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}
