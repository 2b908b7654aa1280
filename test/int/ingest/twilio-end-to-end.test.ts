// "done when" for Twilio Media Streams (adapter-end-to-end.ts): the 2-minute call played
// as Twilio plays it (inbound = customer, outbound = agent, 20 ms µ-law media messages, paced),
// into a gateway child process's Twilio port; the stream dies without `stop` late in the call and
// Twilio's new stream for the same CallSid (new StreamSid, timestamps from 0) continues it.
import { expect } from 'vitest';
import { connectTwilio, FRAME_BYTES, twilioMessages, twilioSid } from './twilio-client.ts';
import { describeAdapterEndToEnd } from './adapter-end-to-end.ts';

const ACCOUNT = twilioSid('AC');
const AUTH_TOKEN = '9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a';
const PUBLIC_URL = 'wss://ingest.example.com';

describeAdapterEndToEnd({
  name: 'Twilio Media Streams',
  gatewayEnv: (port) => ({
    TWILIO_HOST: '127.0.0.1',
    TWILIO_PORT: String(port),
    TWILIO_PUBLIC_URL: PUBLIC_URL,
    TWILIO_ACCOUNTS: `${ACCOUNT}=demo:${AUTH_TOKEN}`,
  }),
  async stream(call, plan) {
    const callSid = twilioSid('CA');
    const url = `ws://127.0.0.1:${plan.port}/twilio`;
    const cut = (plan.dropAtMs / 20) * FRAME_BYTES;
    const stream = (from: number, to: number) =>
      twilioMessages({
        accountSid: ACCOUNT,
        callSid,
        streamSid: twilioSid('MZ'),
        customParameters: {
          agentId: 'agent-1',
          queue: 'billing',
          team: 'blue',
          consentAnalytics: 'true',
          consentStoreFeatures: 'true',
        },
        customer: call.customer.subarray(from, to),
        agent: call.agent.subarray(from, to),
      });
    const first = await connectTwilio(url, PUBLIC_URL, AUTH_TOKEN);
    await first.send(stream(0, cut).slice(0, -1), plan.speed); // everything but `stop`
    first.ws.terminate();
    await new Promise((resolve) => setTimeout(resolve, plan.awayMs));
    const second = await connectTwilio(url, PUBLIC_URL, AUTH_TOKEN);
    await second.send(stream(cut, call.customer.length), plan.speed);
    expect(await second.closed).toEqual({ code: 1000, reason: 'ENDED' });
    return callSid;
  },
});
