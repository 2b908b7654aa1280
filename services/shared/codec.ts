// Protobuf codecs for Kafka record values, with the schema name travelling in the `va-schema`
// header. Enum values are exposed without their proto prefix, lower-case ('CHANNEL_AGENT' ->
// 'agent'), int64 as number, absent fields as defaults. Pure (the proto files load once, cached).
import protobuf from 'protobufjs';
import { CodedError } from '../../pipelines/errors.ts';
import { eventsRoot } from './proto-root.ts';

export const SCHEMA_HEADER = 'va-schema';

export type DecodeErrorCode = 'DECODE_FAILED' | 'SCHEMA_MISMATCH';

/** Replaying the same bytes fails the same way: never retriable, dead-letter. */
export class DecodeError extends CodedError<DecodeErrorCode> {}

export class EncodeError extends CodedError<'ENCODE_FAILED'> {
  constructor(message: string) {
    super('ENCODE_FAILED', message);
  }
}

/** kafkajs header values arrive as Buffer (or arrays of them); produced ones may be strings. */
export type RecordHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

export interface RecordCodec<T> {
  /** Full proto name, e.g. 'va.events.v1.FeatureWindow': the value of the `va-schema` header. */
  readonly schema: string;
  encode(value: T): Buffer;
  /** Throws DecodeError: SCHEMA_MISMATCH when a `va-schema` header names another type. */
  decode(bytes: Uint8Array | null | undefined, headers?: RecordHeaders): T;
  headers(): Record<string, string>;
}

/** 'CHANNEL_AGENT' of enum Channel -> 'agent'; 'CALL_STATE_NOT_ANALYSED' of CallState -> 'not-analysed'. */
export function friendlyEnumName(enumName: string, valueName: string): string {
  const prefix = enumName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase() + '_';
  const bare = valueName.startsWith(prefix) ? valueName.slice(prefix.length) : valueName;
  return bare.toLowerCase().replace(/_/g, '-');
}

interface EnumMaps {
  toName: Map<number, string>;
  toNumber: Map<string, number>;
}
const enumMapCache = new WeakMap<protobuf.Enum, EnumMaps>();

function enumMaps(type: protobuf.Enum): EnumMaps {
  let maps = enumMapCache.get(type);
  if (!maps) {
    maps = { toName: new Map(), toNumber: new Map() };
    for (const [name, id] of Object.entries(type.values)) {
      const friendly = friendlyEnumName(type.name, name);
      maps.toName.set(id, friendly);
      maps.toNumber.set(friendly, id);
    }
    enumMapCache.set(type, maps);
  }
  return maps;
}

function scalarOut(field: protobuf.Field, value: unknown): unknown {
  if (field.resolvedType instanceof protobuf.Enum) {
    return enumMaps(field.resolvedType).toName.get(value as number) ?? 'unspecified';
  }
  if (field.resolvedType instanceof protobuf.Type) {
    // An absent sub-message reads as its defaults (proto3 semantics), like a present empty one.
    const message = value ?? field.resolvedType.create();
    return toPlain(field.resolvedType, message as unknown as Record<string, unknown>);
  }
  if (value !== null && typeof value === 'object' && 'toNumber' in value) {
    return (value as { toNumber(): number }).toNumber();
  }
  if (field.type === 'bytes') {
    return Buffer.isBuffer(value) ? value : Buffer.from((value as Uint8Array | undefined) ?? []);
  }
  return value;
}

/** Decoded message -> plain object with friendly enums, numbers for int64, defaults filled in. */
export function toPlain(type: protobuf.Type, message: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const value = message[field.name];
    if (field.map) {
      const entries = Object.entries((value ?? {}) as Record<string, unknown>);
      out[field.name] = Object.fromEntries(entries.map(([k, v]) => [k, scalarOut(field, v)]));
    } else if (field.repeated) {
      out[field.name] = ((value ?? []) as unknown[]).map((item) => scalarOut(field, item));
    } else {
      out[field.name] = scalarOut(field, value);
    }
  }
  return out;
}

function scalarIn(field: protobuf.Field, value: unknown, path: string): unknown {
  if (field.resolvedType instanceof protobuf.Enum) {
    if (value === undefined || value === null) return 0;
    const id = enumMaps(field.resolvedType).toNumber.get(value as string);
    if (id === undefined)
      throw new EncodeError(`${path}: "${String(value)}" is not a ${field.resolvedType.name}`);
    return id;
  }
  if (field.resolvedType instanceof protobuf.Type && value !== undefined && value !== null) {
    return fromPlain(field.resolvedType, value as Record<string, unknown>, path);
  }
  return value;
}

/** Plain object (friendly enums) -> object protobufjs can encode. */
export function fromPlain(
  type: protobuf.Type,
  value: Record<string, unknown>,
  path = type.name,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const item = value[field.name];
    const where = `${path}.${field.name}`;
    if (item === undefined || item === null) {
      if (field.resolvedType instanceof protobuf.Enum && !field.repeated) out[field.name] = 0;
      continue;
    }
    if (field.map) {
      const entries = Object.entries(item as Record<string, unknown>);
      out[field.name] = Object.fromEntries(entries.map(([k, v]) => [k, scalarIn(field, v, where)]));
    } else if (field.repeated) {
      out[field.name] = Array.from(item as ArrayLike<unknown>, (element) => scalarIn(field, element, where));
    } else {
      out[field.name] = scalarIn(field, item, where);
    }
  }
  return out;
}

function headerText(headers: RecordHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : first.toString();
}

/** The `va-schema` header of a record, if any. */
export function schemaOf(headers: RecordHeaders | undefined): string | undefined {
  return headerText(headers, SCHEMA_HEADER);
}

/**
 * The header's schema when it names a message of the proto contracts, else a placeholder: a
 * header is the sender's free text, and error messages, logs and dead letters must not carry a
 * bad record's values (a name or phone number put there travelled into all three: privacy probe).
 */
export function namedSchema(header: string): string {
  return contractNames().has(header) ? header : `an unknown schema (${header.length} characters)`;
}

let contracts: Set<string> | undefined;

/**
 * The full names of the contracts' messages (e.g. va.events.v1.AudioChunk), listed once. Not a
 * protobufjs lookup of the header: it caches every name it is asked for, misses too, so a stream
 * of bad headers grew the heap without bound and kept their text (review).
 */
function contractNames(): Set<string> {
  if (contracts) return contracts;
  const names = new Set<string>();
  const visit = (node: protobuf.NamespaceBase): void => {
    for (const child of node.nestedArray) {
      if (child instanceof protobuf.Type) names.add(child.fullName.replace(/^\./, ''));
      if (child instanceof protobuf.Namespace || child instanceof protobuf.Type) visit(child);
    }
  };
  visit(eventsRoot());
  return (contracts = names);
}

export interface CodecOptions<T> {
  /** Extra checks after decoding (e.g. required ids); return a message to reject the record. */
  check?: (value: T) => string | null;
}

/** A codec for one message type of the events root, e.g. createCodec<AudioChunk>('va.events.v1.AudioChunk'). */
export function createCodec<T>(schema: string, options: CodecOptions<T> = {}): RecordCodec<T> {
  let type: protobuf.Type | undefined;
  const resolved = (): protobuf.Type => (type ??= eventsRoot().lookupType(schema));
  const headers = { [SCHEMA_HEADER]: schema };
  return {
    schema,
    headers: () => ({ ...headers }),
    encode(value: T): Buffer {
      const t = resolved();
      const plain = fromPlain(t, value as Record<string, unknown>);
      const problem = t.verify(plain);
      if (problem) throw new EncodeError(`${schema}: ${problem}`);
      return Buffer.from(t.encode(plain).finish());
    },
    decode(bytes, recordHeaders): T {
      const named = schemaOf(recordHeaders);
      if (named !== undefined && named !== schema) {
        throw new DecodeError('SCHEMA_MISMATCH', `expected ${schema}, record says ${namedSchema(named)}`);
      }
      if (!bytes) throw new DecodeError('DECODE_FAILED', `${schema}: empty record value`);
      let message: protobuf.Message;
      try {
        message = resolved().decode(bytes);
      } catch (error) {
        throw new DecodeError('DECODE_FAILED', `${schema}: ${(error as Error).message}`, { cause: error });
      }
      const value = toPlain(resolved(), message as unknown as Record<string, unknown>) as T;
      const problem = options.check?.(value);
      if (problem) throw new DecodeError('DECODE_FAILED', `${schema}: ${problem}`);
      return value;
    },
  };
}

/** One decoded record of a topic that carries several record types (dispatched on `va-schema`). */
export type Decoded<M extends Record<string, unknown>> = {
  [K in keyof M & string]: { schema: K; value: M[K] };
}[keyof M & string];

/**
 * Decoder for a topic with several record types, e.g. va.features.v1 (FeatureWindow and
 * DynamicsWindow). A record without header is rejected: the topic's type cannot be guessed.
 */
export function createMultiDecoder<M extends Record<string, unknown>>(codecs: {
  [K in keyof M]: RecordCodec<M[K]>;
}): (bytes: Uint8Array | null | undefined, headers?: RecordHeaders) => Decoded<M> {
  const bySchema = new Map<string, [string, RecordCodec<unknown>]>();
  for (const [key, codec] of Object.entries(codecs) as [string, RecordCodec<unknown>][]) {
    bySchema.set(codec.schema, [key, codec]);
  }
  return (bytes, headers) => {
    const named = schemaOf(headers);
    const entry = named === undefined ? undefined : bySchema.get(named);
    if (!entry) {
      throw new DecodeError(
        'SCHEMA_MISMATCH',
        `record schema ${named === undefined ? '(no va-schema header)' : namedSchema(named)} is not one of ${[...bySchema.keys()].join(', ')}`,
      );
    }
    return { schema: entry[0], value: entry[1].decode(bytes, headers) } as Decoded<M>;
  };
}
