/**
 * A strict reader of the part of PHP's serialize() format that WordPress writes into user meta
 * (`wp_capabilities`: `a:1:{s:6:"editor";b:1;}`): arrays, strings, integers, floats, booleans
 * and null. Objects (`O:`, `C:`), references (`r:`, `R:`) and anything malformed are refused:
 * nothing is ever instantiated or evaluated. Hand-rolled because the npm packages for this
 * (php-serialize, phpunserialize) exist to rebuild objects, and this needs the opposite: a
 * bounded parser that counts string lengths in bytes, as PHP does, and rejects the rest.
 */

export type PhpValue = null | boolean | number | string | PhpArray;
/** A PHP array: ordered keys (int or string) and values. */
export type PhpArray = { kind: 'array'; entries: Array<[string | number, PhpValue]> };

export class PhpSerializedError extends Error {}

const MAX_DEPTH = 8;
const MAX_ENTRIES = 10000;

export function parsePhpSerialized(text: string): PhpValue {
  const bytes = Buffer.from(text, 'utf8');
  const reader = new Reader(bytes);
  const value = reader.value(0);
  if (reader.pos !== bytes.length) throw new PhpSerializedError(`unexpected data at byte ${reader.pos}`);
  return value;
}

/**
 * WordPress roles (and any capability granted to the user alone) from a `wp_capabilities` value:
 * the keys whose value PHP would call true. An empty or missing value is no roles.
 */
export function capabilityKeys(serialized: string | null): string[] {
  if (serialized === null || serialized === '') return [];
  const value = parsePhpSerialized(serialized);
  if (typeof value !== 'object' || value === null) throw new PhpSerializedError('capabilities are not an array');
  return value.entries.filter(([, v]) => phpTruthy(v)).map(([k]) => String(k));
}

function phpTruthy(value: PhpValue): boolean {
  if (value === null || value === false) return false;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value !== '' && value !== '0';
  if (typeof value === 'object') return value.entries.length > 0;
  return true;
}

class Reader {
  pos = 0;
  constructor(private readonly bytes: Buffer) {}

  value(depth: number): PhpValue {
    const type = this.char();
    switch (type) {
      case 'N':
        this.expect(';');
        return null;
      case 'b': {
        this.expect(':');
        const digit = this.char();
        if (digit !== '0' && digit !== '1') throw this.error('a boolean is 0 or 1');
        this.expect(';');
        return digit === '1';
      }
      case 'i': {
        this.expect(':');
        const n = this.until(';', /^-?\d{1,19}$/, 'an integer');
        return Number(n);
      }
      case 'd': {
        this.expect(':');
        const n = this.until(';', /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|NAN|-?INF)$/, 'a float');
        return Number(n.replace('INF', 'Infinity'));
      }
      case 's':
        return this.string();
      case 'a': {
        if (depth >= MAX_DEPTH) throw this.error('arrays nested too deep');
        this.expect(':');
        const count = Number(this.until(':', /^\d{1,6}$/, 'an array length'));
        if (count > MAX_ENTRIES) throw this.error('too many array entries');
        this.expect('{');
        const entries: Array<[string | number, PhpValue]> = [];
        for (let i = 0; i < count; i++) {
          const key = this.value(depth + 1);
          if (typeof key !== 'string' && (typeof key !== 'number' || !Number.isInteger(key))) throw this.error('an array key is an integer or a string');
          entries.push([key, this.value(depth + 1)]);
        }
        this.expect('}');
        return { kind: 'array', entries };
      }
      default:
        throw this.error(`type "${type}" is not accepted (objects and references never are)`);
    }
  }

  private string(): string {
    this.expect(':');
    const length = Number(this.until(':', /^\d{1,7}$/, 'a string length'));
    this.expect('"');
    if (this.pos + length > this.bytes.length) throw this.error('a string runs past the end');
    const slice = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    this.expect('"');
    this.expect(';');
    const text = slice.toString('utf8');
    if (Buffer.byteLength(text, 'utf8') !== length) throw this.error('a string is not valid UTF-8');
    return text;
  }

  private char(): string {
    if (this.pos >= this.bytes.length) throw this.error('unexpected end');
    return String.fromCharCode(this.bytes[this.pos++]);
  }

  private expect(c: string): void {
    if (this.char() !== c) throw this.error(`expected "${c}"`);
  }

  private until(end: string, pattern: RegExp, what: string): string {
    const stop = this.bytes.indexOf(end.charCodeAt(0), this.pos);
    if (stop < 0 || stop - this.pos > 32) throw this.error(`${what} is malformed`);
    const text = this.bytes.subarray(this.pos, stop).toString('latin1');
    if (!pattern.test(text)) throw this.error(`${what} is malformed`);
    this.pos = stop + 1;
    return text;
  }

  private error(message: string): PhpSerializedError {
    return new PhpSerializedError(`${message} (byte ${this.pos})`);
  }
}
