// The slow-client rule of the hub's output (hub-client.ts) on a socket whose send buffer the test
// drains by hand: one large frame a client is still reading never drops it; a client that stops
// reading is dropped once what it left unread before the newest frame passes the limit.
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createClientOutput, newClient } from '../../../../services/alert-service/hub-client.ts';

const LIMIT = 1_048_576;

function fakeSocket() {
  const socket = {
    readyState: WebSocket.OPEN,
    bufferedAmount: 0,
    closedWith: null as number | null,
    send(data: Buffer) {
      socket.bufferedAmount += data.length;
    },
    close(code: number) {
      socket.closedWith = code;
    },
    terminate() {},
    /** The client reads `bytes` of what is buffered. */
    read(bytes: number) {
      socket.bufferedAmount = Math.max(0, socket.bufferedAmount - bytes);
    },
  };
  return socket;
}

function setup() {
  const socket = fakeSocket();
  const client = newClient(socket as unknown as WebSocket);
  const output = createClientOutput(LIMIT, () => undefined);
  return { socket, client, output };
}

describe('the slow-client rule', () => {
  it('keeps a client that is still reading one frame larger than the limit', () => {
    const { socket, client, output } = setup();
    expect(output.send(client, Buffer.alloc(3 * LIMIT))).toBe(true);
    socket.read(1.5 * LIMIT); // half of it read when the next frame is due
    expect(output.send(client, Buffer.alloc(100))).toBe(true);
    socket.read(2 * LIMIT);
    expect(output.send(client, Buffer.alloc(2 * LIMIT))).toBe(true);
    expect(output.droppedSlow()).toBe(0);
  });

  it('drops a client that reads nothing once what it left before the newest frame passes the limit', () => {
    const { socket, client, output } = setup();
    expect(output.send(client, Buffer.alloc(2 * LIMIT))).toBe(true);
    expect(output.send(client, Buffer.alloc(2 * LIMIT))).toBe(true); // the first is allowed for
    expect(output.send(client, Buffer.alloc(100))).toBe(false); // the first is still unread
    expect(output.droppedSlow()).toBe(1);
    expect(socket.closedWith).toBe(4008);
  });

  it('drops a client that reads nothing of many small frames at the limit, not before', () => {
    const { client, output } = setup();
    const frame = Buffer.alloc(64 * 1024);
    let sent = 0;
    while (output.send(client, frame)) sent += 1;
    expect(sent * frame.length).toBeGreaterThan(LIMIT);
    expect(sent * frame.length).toBeLessThanOrEqual(LIMIT + 2 * frame.length);
  });

  it('allows for the snapshot while it is read, then counts what is left of it once it is not', () => {
    const { socket, client, output } = setup();
    output.sendSnapshot(client, Buffer.alloc(3 * LIMIT));
    expect(output.send(client, Buffer.alloc(100))).toBe(true);
    socket.read(LIMIT);
    expect(output.send(client, Buffer.alloc(100))).toBe(true);
    expect(output.droppedSlow()).toBe(0);
  });
});
