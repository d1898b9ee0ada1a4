import { AwsError } from '../errors';

/**
 * Typed reads of a request's parameters, JSON body or decoded query form alike. A wrong type is
 * the caller's error, reported with the service's validation error code.
 */
export class Params {
  constructor(
    readonly raw: Record<string, unknown>,
    private readonly validationCode: string = 'InvalidParameterException',
  ) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  string(name: string): string {
    const value = this.optString(name);
    if (value === undefined || value === '') throw this.invalid(`${name} is required.`);
    return value;
  }

  optString(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw this.invalid(`${name} must be a string.`);
    return value;
  }

  optInt(name: string): number | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n)) throw this.invalid(`${name} must be an integer.`);
    return n;
  }

  optBool(name: string): boolean | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw this.invalid(`${name} must be a boolean.`);
  }

  optStringList(name: string): string[] | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    // The query protocols send an empty list as `Name=` (an empty string).
    if (value === '') return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
      throw this.invalid(`${name} must be a list of strings.`);
    return value as string[];
  }

  /** A list of objects, each kept as a record for the caller to read further. */
  optList(name: string): Record<string, unknown>[] | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (value === '') return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'object' || v === null || Array.isArray(v))) {
      throw this.invalid(`${name} must be a list of structures.`);
    }
    return value as Record<string, unknown>[];
  }

  optObject(name: string): Record<string, unknown> | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw this.invalid(`${name} must be a structure.`);
    return value as Record<string, unknown>;
  }

  private invalid(message: string): AwsError {
    return new AwsError(this.validationCode, message);
  }
}
