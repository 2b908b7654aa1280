// The stable code of the typed error `fn` throws, or 'accepted' when it returns. Pure.
import { errorCode as codeOf } from '../../pipelines/errors.ts';

export function errorCode(fn: () => unknown): string {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    return codeOf(error, 'NO_CODE');
  }
}
