// This instance's id, which names its own fan-out consumer group. It must be stable across
// restarts: a new id per start left one more group on the broker at every crash or deploy, each
// re-reading the whole retention of va.calls.v1. Host name plus the page port is unique among the
// instances of one host and the same after a restart. Pure.

export function defaultInstanceId(host: string, alertPort: number, random: () => string): string {
  const name = host.replace(/[^\w.-]/g, '').slice(0, 40) || 'alert';
  // Port 0 (tests) means "any free port": nothing stable to name, so several instances on one
  // host stay apart with a random suffix instead.
  return alertPort > 0 ? `${name}-${alertPort}` : `${name}-${random()}`;
}
