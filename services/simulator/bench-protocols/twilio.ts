// bench:ingest --protocol twilio: the Twilio Media Streams adapter on a free port with a random
// account, loaded by twilio-load.ts (signed upgrades, two µ-law tracks of JSON media messages).
import { randomBytes } from 'node:crypto';
import { freePort } from '../../../devkit/free-port.ts';
import { spawnLoadClient, type BenchProtocolFactory } from './protocol.ts';

export const twilioProtocol: BenchProtocolFactory = async () => {
  const port = await freePort();
  const account = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const publicUrl = 'wss://ingest.example.com';
  return {
    gatewayEnv: {
      TWILIO_HOST: '127.0.0.1',
      TWILIO_PORT: String(port),
      TWILIO_PUBLIC_URL: publicUrl,
      TWILIO_ACCOUNTS: `${account}=bench:${authToken}`,
    },
    startClient: (run) =>
      spawnLoadClient(
        'twilio-load.ts',
        run,
        ['--target', `ws://127.0.0.1:${port}/twilio`, '--public-url', publicUrl, '--account', account],
        { TWILIO_AUTH_TOKEN: authToken },
      ),
  };
};
