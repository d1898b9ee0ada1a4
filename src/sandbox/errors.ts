/**
 * An error the simulated AWS service returns to the caller. `name` is the AWS error code the SDK
 * turns into an exception class (ClusterNotFoundException, AccessDenied, InvalidInstanceID.NotFound);
 * the protocol layer decides how it is written on the wire.
 */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  /** Query-protocol fault side: `Sender` (caller's fault) or `Receiver` (ours). */
  readonly fault: 'Sender' | 'Receiver';

  constructor(code: string, message: string, options: { status?: number; fault?: 'Sender' | 'Receiver' } = {}) {
    super(message);
    this.name = 'AwsError';
    this.code = code;
    this.status = options.status ?? 400;
    this.fault = options.fault ?? (this.status >= 500 ? 'Receiver' : 'Sender');
  }
}

export function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameterException', message);
}

export function clientException(message: string): AwsError {
  return new AwsError('ClientException', message);
}
