// The subset of HTTP Structured Field Values (RFC 8941) that HTTP Message Signatures (RFC 9421)
// needs on `Signature-Input` and `Signature`: a Dictionary whose members are Inner Lists of
// Strings or Byte Sequences, each with Parameters (String, Integer, Token, Boolean). Parses
// strictly (RFC 8941 section 4.2) and serialises an Inner List back (section 4.1.1), since the
// signature base carries the re-serialised `@signature-params` (RFC 9421 section 2.3). Pure.
import { CodedError } from '../../../pipelines/errors.ts';

/** A Token (RFC 8941 section 3.3.4): kept apart from a String so it serialises back unquoted. */
export class Token {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}
export type BareItem = string | number | boolean | Uint8Array | Token;
export type Parameters = [string, BareItem][];
export interface Item {
  value: BareItem;
  params: Parameters;
}
export interface InnerList {
  items: Item[];
  params: Parameters;
}
export type Member = Item | InnerList;

export class StructuredFieldError extends CodedError<'STRUCTURED_FIELD_INVALID'> {
  constructor(message: string) {
    super('STRUCTURED_FIELD_INVALID', message);
  }
}

const KEY = /^[a-z*][a-z0-9_\-.*]*/;
const TOKEN = /^[A-Za-z*][!#$%&'*+\-.^_`|~:/A-Za-z0-9]*/;
const INTEGER = /^-?\d{1,15}/;
const BYTES = /^:([A-Za-z0-9+/=]*):/;

/** A cursor over the field value; every parse function advances it. */
class Input {
  at = 0;
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  rest(): string {
    return this.text.slice(this.at);
  }
  peek(): string {
    return this.text[this.at] ?? '';
  }
  skip(chars: RegExp): void {
    while (this.at < this.text.length && chars.test(this.text[this.at])) this.at += 1;
  }
  take(pattern: RegExp, what: string): RegExpExecArray {
    const match = pattern.exec(this.rest());
    if (!match) throw new StructuredFieldError(`expected ${what} at ${this.at}`);
    this.at += match[0].length;
    return match;
  }
}

function parseString(input: Input): string {
  input.at += 1; // opening quote
  let out = '';
  for (;;) {
    const c = input.peek();
    if (c === '') throw new StructuredFieldError('unterminated string');
    input.at += 1;
    if (c === '"') return out;
    if (c === '\\') {
      const next = input.peek();
      if (next !== '"' && next !== '\\') throw new StructuredFieldError('bad escape in string');
      out += next;
      input.at += 1;
    } else if (c < ' ' || c > '~') throw new StructuredFieldError('non-ASCII or control character in string');
    else out += c;
  }
}

function parseBareItem(input: Input): BareItem {
  const c = input.peek();
  if (c === '"') return parseString(input);
  if (c === ':') return Buffer.from(input.take(BYTES, 'a byte sequence')[1], 'base64');
  if (c === '?') {
    const flag = input.take(/^\?[01]/, 'a boolean')[0];
    return flag === '?1';
  }
  if (c === '-' || (c >= '0' && c <= '9')) {
    if (/^-?\d+\./.test(input.rest())) throw new StructuredFieldError('decimals are not used here');
    return Number(input.take(INTEGER, 'an integer')[0]);
  }
  return new Token(input.take(TOKEN, 'a token')[0]);
}

function parseParameters(input: Input): Parameters {
  const params: Parameters = [];
  while (input.peek() === ';') {
    input.at += 1;
    input.skip(/ /);
    const key = input.take(KEY, 'a parameter key')[0];
    let value: BareItem = true;
    if (input.peek() === '=') {
      input.at += 1;
      value = parseBareItem(input);
    }
    const existing = params.findIndex(([k]) => k === key);
    if (existing >= 0) params.splice(existing, 1);
    params.push([key, value]);
  }
  return params;
}

function parseInnerList(input: Input): InnerList {
  input.at += 1; // (
  const items: Item[] = [];
  for (;;) {
    input.skip(/ /);
    if (input.peek() === ')') {
      input.at += 1;
      return { items, params: parseParameters(input) };
    }
    const value = parseBareItem(input);
    items.push({ value, params: parseParameters(input) });
    const next = input.peek();
    if (next !== ' ' && next !== ')')
      throw new StructuredFieldError('inner list items must be separated by spaces');
  }
}

/** An RFC 8941 Dictionary (section 4.2.2); later duplicate keys win, as the RFC says. */
export function parseDictionary(text: string): Map<string, Member> {
  const input = new Input(text.trim());
  const out = new Map<string, Member>();
  while (input.at < input.text.length) {
    const key = input.take(KEY, 'a dictionary key')[0];
    let member: Member;
    if (input.peek() === '=') {
      input.at += 1;
      member =
        input.peek() === '('
          ? parseInnerList(input)
          : { value: parseBareItem(input), params: parseParameters(input) };
    } else member = { value: true, params: parseParameters(input) };
    out.set(key, member);
    input.skip(/[ \t]/);
    if (input.at >= input.text.length) break;
    if (input.peek() !== ',')
      throw new StructuredFieldError('dictionary members must be separated by commas');
    input.at += 1;
    input.skip(/[ \t]/);
    if (input.at >= input.text.length) throw new StructuredFieldError('trailing comma');
  }
  return out;
}

export const isInnerList = (member: Member): member is InnerList => 'items' in member;

function serializeBareItem(value: BareItem): string {
  if (typeof value === 'string') return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  if (value instanceof Token) return value.name;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '?1' : '?0';
  return `:${Buffer.from(value).toString('base64')}:`;
}

function serializeParameters(params: Parameters): string {
  return params
    .map(([key, value]) => (value === true ? `;${key}` : `;${key}=${serializeBareItem(value)}`))
    .join('');
}

/** An Inner List as RFC 8941 section 4.1.1.1 writes it. */
export function serializeInnerList(list: InnerList): string {
  const items = list.items.map((item) => serializeBareItem(item.value) + serializeParameters(item.params));
  return `(${items.join(' ')})${serializeParameters(list.params)}`;
}
