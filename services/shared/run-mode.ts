// Production or development: read once from the environment. Production is explicit (VA_MODE, or
// NODE_ENV=production when VA_MODE is unset; the container image sets both) and makes every
// service refuse demo users, published or weak secrets and missing files. Pure (env passed in).
import { ConfigError } from './config.ts';

export type RunMode = 'production' | 'development';

export function runModeOf(env: Record<string, string | undefined> = process.env): RunMode {
  const mode = env.VA_MODE?.trim();
  if (mode === 'production' || mode === 'development') return mode;
  if (mode) throw new ConfigError([`VA_MODE: must be production or development (got "${mode}")`]);
  return env.NODE_ENV === 'production' ? 'production' : 'development';
}
