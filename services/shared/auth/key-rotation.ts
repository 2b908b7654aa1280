// Rotating an HS256 key without signing everyone out: tokens are signed with the current key and
// verified with it or, while a rotation is under way, with the previous one (JWT_PREVIOUS_SECRET,
// SERVICE_TOKEN_PREVIOUS_SECRET), so tokens issued before the switch stay valid until they expire
// or the previous key is removed. Only a signature that does not match moves on to the previous
// key: an expired or malformed token is refused as it is. Pure apart from jose's in-memory checks.
import { errors as joseErrors } from 'jose';
import { secretProblems } from '../secret-policy.ts';

/** The result of `verify` with the first key whose signature matches; otherwise its error. */
export async function verifyWithKeys<T>(
  current: Uint8Array,
  previous: Uint8Array | undefined,
  verify: (key: Uint8Array) => Promise<T>,
): Promise<T> {
  try {
    return await verify(current);
  } catch (error) {
    if (previous === undefined || !(error instanceof joseErrors.JWSSignatureVerificationFailed)) throw error;
    return verify(previous);
  }
}

export interface PreviousKeyCheck {
  /** The previous key's variable and value (undefined: no rotation under way). */
  variable: string;
  value: string | undefined;
  /** The key that replaced it. */
  current: { variable: string; value: string | undefined };
  production: boolean;
  /** Keys of another role it must not equal (a holder of one could sign the other's tokens). */
  reservedKeys: Record<string, string | undefined>;
}

/** What is wrong with a previous key: the rules of a key, and to differ from the current one. */
export function previousKeyProblems(check: PreviousKeyCheck): string[] {
  const { variable, value, current } = check;
  if (value === undefined || value === '') return [];
  if (current.value === undefined || current.value === '')
    return [`${variable}: set only beside ${current.variable} (the key that replaced it)`];
  if (value.length < 32) return [`${variable}: must be at least 32 characters`];
  if (value === current.value)
    return [`${variable}: the same value as ${current.variable}; unset it once the rotation is done`];
  const problems = check.production ? secretProblems(variable, value, 'previous key') : [];
  for (const [reserved, other] of Object.entries(check.reservedKeys))
    if (other !== undefined && other !== '' && other === value)
      problems.push(
        `${variable}: the same value as ${reserved}, a key of another role; use keys of their own`,
      );
  return problems;
}

/** The bytes of a configured key, undefined when unset. */
export function keyBytes(value: string | undefined): Uint8Array | undefined {
  return value ? new TextEncoder().encode(value) : undefined;
}
