// POST /api/logout of the alert service: the caller's token (from `Authorization: Bearer`) stops
// opening anything, on every instance of both services, and the live WebSockets it opened close
// (va.revocations.v1; services/shared/auth/sign-out.ts says what is revoked). The pages call it
// on "Sign out". Pure apart from the verification and the revocation it hands over.
import type { TokenRevoked } from '../shared/records.ts';
import { signOutBody, signOutRevocation } from '../shared/auth/sign-out.ts';
import { AuthError, bearerToken, type Auth } from '../shared/auth/tokens.ts';

export interface LogoutAnswer {
  status: number;
  body?: { code: string; message: string };
}

/** `text`: the request body ('' for none). */
export async function logout(
  authorization: string | undefined,
  text: string,
  auth: Auth,
  revoke: (revocation: TokenRevoked) => Promise<void>,
  nowMs = Date.now(),
): Promise<LogoutAnswer> {
  let parsed;
  try {
    parsed = signOutBody.safeParse(text.trim() === '' ? {} : JSON.parse(text));
  } catch {
    parsed = null;
  }
  if (!parsed?.success)
    return { status: 400, body: { code: 'BAD_REQUEST', message: 'send {} or {"everywhere": true}' } };
  const token = bearerToken(authorization);
  if (token === null)
    return { status: 401, body: { code: 'TOKEN_INVALID', message: 'missing or malformed bearer token' } };
  let verified;
  try {
    verified = await auth.verify(token);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    return { status: 401, body: { code: error.code, message: error.message } };
  }
  try {
    await revoke(signOutRevocation(verified, parsed.data.everywhere === true, nowMs));
  } catch {
    return {
      status: 503,
      body: { code: 'SIGN_OUT_NOT_RECORDED', message: 'sign-out not recorded: try again' },
    };
  }
  return { status: 204 };
}
