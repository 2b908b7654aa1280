// POST /auth/logout: the caller's own token stops working on every instance of every service
// (va.revocations.v1; services/shared/auth/sign-out.ts says what is revoked). Before, a sign-out
// only forgot the token in the page: a copy kept opening the API until it expired. Pure apart
// from the revocation it hands over.
import type { TokenRevoked } from '../../shared/records.ts';
import { signOutBody, signOutRevocation } from '../../shared/auth/sign-out.ts';
import type { TokenOptions } from '../../shared/auth/tokens.ts';
import { StoreError } from '../errors.ts';
import { verifiedBearer, type RevokedTokens } from './auth.ts';

/** Records a revocation for every instance (the revocation feed's `revoke`). */
export interface SignOut {
  revoke(revocation: TokenRevoked): Promise<void>;
}

/** Revokes the bearer token (or all the caller's tokens); the body is `{}`, `{"everywhere": true}` or none. */
export async function signOut(
  header: string | undefined,
  body: unknown,
  tokens: TokenOptions,
  revocations: RevokedTokens & SignOut,
  nowMs = Date.now(),
): Promise<void> {
  const input = signOutBody.safeParse(body ?? {});
  if (!input.success)
    throw new StoreError('INVALID_BODY', 'expected {} or {"everywhere": true}', [
      input.error.issues[0].path.join('.') || input.error.issues[0].message,
    ]);
  const verified = await verifiedBearer(header, tokens, revocations);
  try {
    await revocations.revoke(signOutRevocation(verified, input.data.everywhere === true, nowMs));
  } catch (error) {
    throw new StoreError('SIGN_OUT_NOT_RECORDED', 'sign-out not recorded: try again', [], { cause: error });
  }
}
