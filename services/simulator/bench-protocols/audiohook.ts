// bench:ingest --protocol audiohook: the Genesys AudioHook adapter on a free port with a random
// organisation (API key, client secret), loaded by audiohook-load.ts (signed upgrades, `open`, PCMU
// stereo frames in real time with pings, `close`).
import { randomBytes, randomUUID } from 'node:crypto';
import { freePort } from '../../../devkit/free-port.ts';
import { spawnLoadClient, type BenchProtocolFactory } from './protocol.ts';

export const audiohookProtocol: BenchProtocolFactory = async () => {
  const port = await freePort();
  const org = randomUUID();
  const apiKey = randomBytes(24).toString('hex');
  const clientSecret = randomBytes(32).toString('base64');
  return {
    gatewayEnv: {
      AUDIOHOOK_HOST: '127.0.0.1',
      AUDIOHOOK_PORT: String(port),
      AUDIOHOOK_ORGS: JSON.stringify({
        [org]: { tenant: 'bench', apiKey, clientSecret, consent: { analytics: true } },
      }),
    },
    startClient: (run) =>
      spawnLoadClient(
        'audiohook-load.ts',
        run,
        ['--target', `ws://127.0.0.1:${port}/audiohook`, '--org', org],
        { AUDIOHOOK_API_KEY: apiKey, AUDIOHOOK_CLIENT_SECRET: clientSecret },
      ),
  };
};
