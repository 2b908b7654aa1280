// bench:ingest --protocol l16ws: the L16-over-WebSocket adapter on a free port with one jambonz
// source (random secret), loaded by l16ws-load.ts (stereo 8 kHz 16-bit PCM, binary 20 ms frames).
import { randomBytes } from 'node:crypto';
import { freePort } from '../../../devkit/free-port.ts';
import { spawnLoadClient, type BenchProtocolFactory } from './protocol.ts';

export const l16wsProtocol: BenchProtocolFactory = async () => {
  const port = await freePort();
  const secret = randomBytes(16).toString('hex');
  return {
    gatewayEnv: {
      L16WS_HOST: '127.0.0.1',
      L16WS_PORT: String(port),
      L16WS_SOURCES: JSON.stringify({ 'bench-jambonz': { tenant: 'bench', secret } }),
    },
    startClient: (run) =>
      spawnLoadClient(
        'l16ws-load.ts',
        run,
        ['--target', `ws://127.0.0.1:${port}/calls`, '--source', 'bench-jambonz'],
        { L16WS_SECRET: secret },
      ),
  };
};
