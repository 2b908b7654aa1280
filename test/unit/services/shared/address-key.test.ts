// Per-address limits count an IPv6 client by its /64 (one subscriber's usual allocation), an IPv4
// client by its address, also when a dual-stack socket reports it IPv4-mapped.
import { describe, expect, it } from 'vitest';
import { addressKey } from '../../../../services/shared/address-key.ts';

describe('addressKey', () => {
  it('keys IPv6 by its /64 and IPv4 as it is', () => {
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:DB8:1:2:0:0:0:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('64:ff9b::192.0.2.7')).toBe('64:ff9b:0:0::/64');
  });

  it('gives two addresses of one /64 one key, and of two /64s two keys', () => {
    expect(addressKey('2001:db8:1:2::5')).toBe(addressKey('2001:db8:1:2:ffff::9'));
    expect(addressKey('2001:db8:1:2::5')).not.toBe(addressKey('2001:db8:1:3::5'));
  });

  it('leaves anything else as it is', () => {
    expect(addressKey('?')).toBe('?');
    expect(addressKey('unknown')).toBe('unknown');
  });
});
