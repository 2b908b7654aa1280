// Loads the product's .proto contracts from <repo>/proto at run time with protobufjs, once per
// process (cached). I/O: reads the .proto files on first use.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** The nearest `proto/` above this module: <repo>/proto from the sources and from dist/ alike. */
function findProtoDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'va'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('proto/ not found above services/shared (set VA_PROTO_DIR)');
    dir = parent;
  }
}

/** Root folder of the contracts: imports inside .proto files are relative to it. */
export const PROTO_DIR = process.env.VA_PROTO_DIR ?? findProtoDir();

export const EVENT_PROTO_FILES = [
  'va/common/v1/common.proto',
  'va/events/v1/audio_chunk.proto',
  'va/events/v1/call_event.proto',
  'va/events/v1/features.proto',
  'va/events/v1/emotion_event.proto',
  'va/events/v1/alert_event.proto',
  'va/events/v1/dead_letter.proto',
  'va/events/v1/routing_hint.proto',
  'va/events/v1/call_erased.proto',
  'va/events/v1/token_revoked.proto',
  'va/events/v1/login_attempt.proto',
] as const;

let cached: protobuf.Root | undefined;

/** The resolved protobufjs root holding every Kafka record type. */
export function eventsRoot(): protobuf.Root {
  if (cached) return cached;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(PROTO_DIR, target));
  root.loadSync([...EVENT_PROTO_FILES], { keepCase: false });
  root.resolveAll();
  cached = root;
  return root;
}
