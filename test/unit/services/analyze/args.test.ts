// Argument parsing of `voice-analytics analyze`: defaults, the channel map, and a coded error for
// every malformed command line.
import { describe, expect, it } from 'vitest';
import { USAGE, parseArgs, parseChannelMap, resolveChannels } from '../../../../services/analyze/args.ts';
import { AnalyzeError } from '../../../../services/analyze/errors.ts';
import { thrownCode } from '../../../support/thrown.ts';

const codeOf = (fn: () => unknown) => thrownCode(fn, AnalyzeError);

describe('parseArgs', () => {
  it('reads the path and every option, in either --name value or --name=value form', () => {
    expect(
      parseArgs([
        'analyze',
        'calls/',
        '--channels',
        'agent=right,customer=left',
        '--json=out.json',
        '--jobs',
        '3',
      ]),
    ).toEqual({
      kind: 'analyze',
      options: {
        input: 'calls/',
        channels: { agent: 1, customer: 0 },
        jsonPath: 'out.json',
        jobs: 3,
        modelPath: undefined,
        store: undefined,
      },
    });
  });

  it('reads --store with the documented defaults, and its labels', () => {
    const store = (argv: string[]) => {
      const parsed = parseArgs(['analyze', 'calls/', ...argv]);
      return parsed.kind === 'analyze' ? parsed.options.store : 'help';
    };
    expect(store(['--store'])).toEqual({ tenant: 'default', agentId: 'unknown', queue: 'import' });
    expect(store(['--tenant=acme', '--store', '--agent', 'agent 7', '--queue', 'billing/uk'])).toEqual({
      tenant: 'acme',
      agentId: 'agent 7',
      queue: 'billing/uk',
    });
    expect(USAGE).toContain('--store');
    expect(USAGE).toContain('DATABASE_URL');
    expect(USAGE).toMatch(/--tenant <id> .*default: default/);
  });

  it('asks for help with -h or --help; no arguments at all is a usage error (exit 2)', () => {
    expect(() => parseArgs([])).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(parseArgs(['analyze', '-h']).kind).toBe('help');
    expect(parseArgs(['analyze', 'x.wav', '--help']).kind).toBe('help');
  });

  it.each([
    [['analyse', 'x.wav'], 'USAGE'],
    [['analyze'], 'USAGE'],
    [['analyze', 'a.wav', 'b.wav'], 'USAGE'],
    [['analyze', 'a.wav', '--json'], 'USAGE'],
    [['analyze', 'a.wav', '--json', 'a', '--json', 'b'], 'USAGE'],
    [['analyze', 'a.wav', '--verbose'], 'UNKNOWN_OPTION'],
    [['analyze', 'a.wav', '-v'], 'UNKNOWN_OPTION'],
    [['analyze', 'a.wav', '--jobs', '0'], 'BAD_JOBS'],
    [['analyze', 'a.wav', '--jobs', 'many'], 'BAD_JOBS'],
    [['analyze', 'a.wav', '--channels', 'agent'], 'BAD_CHANNELS'],
    [['analyze', 'a.wav', '--store=yes'], 'USAGE'],
    [['analyze', 'a.wav', '--store', '--store'], 'USAGE'],
    [['analyze', 'a.wav', '--tenant', 'acme'], 'USAGE'],
    [['analyze', 'a.wav', '--store', '--agent'], 'USAGE'],
    [['analyze', 'a.wav', '--store', '--queue='], 'USAGE'],
    [['analyze', 'a.wav', '--store', '--tenant', ' acme'], 'BAD_STORE_OPTION'],
    [['analyze', 'a.wav', '--store', '--tenant', 'a\nb'], 'BAD_STORE_OPTION'],
    [['analyze', 'a.wav', '--store', '--agent', 'x'.repeat(201)], 'BAD_STORE_OPTION'],
    [['analyze', 'a.wav', '--store', '--queue', 'q;drop'], 'BAD_STORE_OPTION'],
  ])('rejects %j with %s', (argv, code) => {
    expect(codeOf(() => parseArgs(argv))).toBe(code);
  });
});

describe('channel map', () => {
  it('maps left/right/mono and 1-based channel numbers', () => {
    expect(parseChannelMap('agent=left,customer=right')).toEqual({ agent: 0, customer: 1 });
    expect(parseChannelMap(' customer = 4 ')).toEqual({ customer: 3 });
    expect(parseChannelMap('agent=mono')).toEqual({ agent: 0 });
  });

  it.each([
    'caller=left',
    'agent=centre',
    'agent=left,agent=right',
    'agent=left,customer=1',
    'agent=0',
    'agent:left',
  ])('rejects "%s"', (text) => {
    expect(codeOf(() => parseChannelMap(text))).toBe('BAD_CHANNELS');
  });

  it('defaults to agent=left, customer=right for stereo and customer for mono', () => {
    expect(resolveChannels(undefined, 2)).toEqual([
      { channel: 'agent', index: 0 },
      { channel: 'customer', index: 1 },
    ]);
    expect(resolveChannels(undefined, 1)).toEqual([{ channel: 'customer', index: 0 }]);
  });

  it('rejects a channel the file does not have', () => {
    expect(codeOf(() => resolveChannels({ agent: 0, customer: 1 }, 1))).toBe('CHANNEL_OUT_OF_RANGE');
  });
});
