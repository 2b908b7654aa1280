// The L16-over-WebSocket adapter's allow-list of sources (jambonz, FreeSWITCH): each names its
// tenant, its shared secret, where the secret travels (upgrade header or metadata), which stereo
// channel is the agent, and defaults for what its first frame may leave out. Secrets are compared
// by SHA-256 (time independent of the secret) and never logged. Pure (the file content is passed in).
import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import { ConfigError } from '../../shared/config.ts';
import { checkedEntry, jsonObjectEntries } from '../../shared/config-entries.ts';
import { secretProblems } from '../../shared/secret-policy.ts';
import { IngestError } from '../errors.ts';

export type Party = 'agent' | 'customer';

export interface L16WsSource {
  readonly id: string;
  readonly tenant: string;
  /** Never logged: compared by hash only. */
  readonly secret: string;
  /** Where the secret travels: the upgrade's Authorization header, or `vaToken` in the first frame. */
  readonly tokenIn: 'header' | 'metadata';
  /** Stereo channel (0 or 1) that carries the agent; the other carries the customer. */
  readonly agentChannel: 0 | 1;
  /** Whose voice a `mono` stream carries (mod_audio_fork and jambonz: the caller's leg). */
  readonly monoParty: Party;
  /** Used when the first frame has none (mod_audio_fork passes them on its command line). */
  readonly sampleRate: number | null;
  readonly mixType: string | null;
  /** When the first frame names no consent. */
  readonly consent: { analytics: boolean; storeFeatures: boolean; historyOptOut: boolean };
  /** Remote addresses (IPs or CIDR ranges) the source connects from; empty = any. */
  readonly addresses: BlockList | null;
}

export interface SourceStore {
  readonly sources: L16WsSource[];
  /** True when some source sends its secret in the metadata (an upgrade may come without one). */
  readonly metadataTokens: boolean;
  /** The source of an upgrade's `authorization` header (Basic source:secret or Bearer secret). */
  fromHeader(authorization: string | undefined): L16WsSource;
  /** The source whose secret is `vaToken` of the first frame. */
  fromToken(token: unknown): L16WsSource;
}

const MIN_SECRET_LENGTH = 16;

const sourceSchema = z
  .object({
    tenant: z.string().regex(/^[\w.-]{1,64}$/, { error: 'must be [A-Za-z0-9_.-]{1,64}' }),
    secret: z.string().min(MIN_SECRET_LENGTH, { error: `must be at least ${MIN_SECRET_LENGTH} characters` }),
    tokenIn: z.enum(['header', 'metadata']).default('header'),
    agentChannel: z.union([z.literal(0), z.literal(1)]).default(1),
    monoParty: z.enum(['agent', 'customer']).default('customer'),
    sampleRate: z.number().int().optional(),
    mixType: z.string().optional(),
    // Strict: a misspelt key (`storefeatures`, `historyOptOut`) was dropped silently, its consent
    // read as the default. history: false keeps the source's calls out of the customer history.
    consent: z
      .object({
        analytics: z.boolean().default(false),
        storeFeatures: z.boolean().default(false),
        history: z.boolean().default(true),
      })
      .strict()
      .default({ analytics: false, storeFeatures: false, history: true }),
    addresses: z.array(z.string()).default([]),
  })
  .strict();

const hash = (secret: string): Buffer => createHash('sha256').update(secret).digest();

function blockList(addresses: string[], where: string): BlockList | null {
  if (addresses.length === 0) return null;
  const list = new BlockList();
  for (const entry of addresses) {
    const [address, bits] = entry.split('/');
    const family = isIP(address);
    if (family === 0) throw new ConfigError([`${where}: "${entry}" is not an IP address or CIDR range`]);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

/** Parses L16WS_SOURCES (JSON object: source id -> options); production applies the secret policy. */
export function parseSources(text: string, variable: string, production: boolean): L16WsSource[] {
  const entries = jsonObjectEntries(text, variable, '{sourceId: {tenant, secret, …}}');
  const problems: string[] = [];
  const sources: L16WsSource[] = [];
  const secrets = new Set<string>();
  for (const [id, raw] of entries) {
    const where = `${variable}: source "${id}"`;
    if (!/^[\w.-]{1,64}$/.test(id)) {
      problems.push(`${variable}: source id "${id}" is not [A-Za-z0-9_.-]{1,64}`);
      continue;
    }
    const s = checkedEntry(sourceSchema, raw, where, '(source)', problems);
    if (!s) continue;
    if (production) problems.push(...secretProblems(variable, s.secret, `secret of source "${id}"`));
    const digest = hash(s.secret).toString('hex');
    if (secrets.has(digest)) problems.push(`${where}: secret is shared with another source`);
    secrets.add(digest);
    sources.push({
      id,
      tenant: s.tenant,
      secret: s.secret,
      tokenIn: s.tokenIn,
      agentChannel: s.agentChannel,
      monoParty: s.monoParty,
      sampleRate: s.sampleRate ?? null,
      mixType: s.mixType ?? null,
      consent: {
        analytics: s.consent.analytics,
        storeFeatures: s.consent.storeFeatures,
        historyOptOut: !s.consent.history,
      },
      addresses: blockList(s.addresses, where),
    });
  }
  if (sources.length === 0 && problems.length === 0) problems.push(`${variable}: no sources`);
  if (problems.length > 0) throw new ConfigError(problems);
  return sources;
}

export function createSourceStore(sources: L16WsSource[]): SourceStore {
  const byId = new Map(sources.map((s) => [s.id, s]));
  const byHash = new Map<string, L16WsSource>();
  for (const source of sources) byHash.set(hash(source.secret).toString('hex'), source);
  const matches = (source: L16WsSource, secret: string): boolean =>
    timingSafeEqual(hash(source.secret), hash(secret));
  const bySecret = (secret: string, tokenIn: L16WsSource['tokenIn']): L16WsSource => {
    const source = byHash.get(hash(secret).toString('hex'));
    if (!source || source.tokenIn !== tokenIn) throw new IngestError('BAD_TOKEN', 'unknown token');
    return source;
  };
  return {
    sources,
    metadataTokens: sources.some((s) => s.tokenIn === 'metadata'),
    fromHeader(authorization) {
      const value = authorization?.trim() ?? '';
      const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(value);
      if (basic) {
        const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
        const at = decoded.indexOf(':');
        const source = at > 0 ? byId.get(decoded.slice(0, at)) : undefined;
        if (!source || source.tokenIn !== 'header' || !matches(source, decoded.slice(at + 1)))
          throw new IngestError('BAD_TOKEN', 'unknown source or secret');
        return source;
      }
      const bearer = /^Bearer\s+(\S+)$/i.exec(value);
      if (bearer) return bySecret(bearer[1], 'header');
      throw new IngestError(
        'MISSING_TOKEN',
        'missing "authorization: Basic <source:secret>" (or Bearer <secret>) on the upgrade',
      );
    },
    fromToken(token) {
      if (typeof token !== 'string' || token === '')
        throw new IngestError('MISSING_TOKEN', 'the first frame has no vaToken');
      return bySecret(token, 'metadata');
    },
  };
}

/** The remote address (IPv4-mapped IPv6 as IPv4) is on the source's list, or it has none. */
export function addressAllowed(source: L16WsSource, remote: string | undefined): boolean {
  if (!source.addresses) return true;
  if (!remote) return false;
  const address = remote.startsWith('::ffff:') && isIP(remote.slice(7)) === 4 ? remote.slice(7) : remote;
  return source.addresses.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}
