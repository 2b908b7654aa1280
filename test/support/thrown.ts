// What a function throws, for tests of refusals: its stable code ('accepted' when it returns), the
// error itself, or a configuration's problems. With an error class, any other throw (a TypeError, a RangeError) is re-thrown,
// so a crash fails the test instead of passing for a refusal. Pure.
import { errorCode } from '../../pipelines/errors.ts';
import { ConfigError } from '../../services/shared/config.ts';

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** The code of the error `fn` throws, 'NO_CODE' for an error without one, 'accepted' when it returns. */
export function thrownCode(fn: () => unknown, errorClass?: ErrorClass<Error>): string {
  try {
    fn();
  } catch (error) {
    if (errorClass && !(error instanceof errorClass)) throw error;
    return errorCode(error, 'NO_CODE');
  }
  return 'accepted';
}

/** The error of class `errorClass` that `fn` throws; the test fails when it returns. */
export function thrownError<E extends Error>(fn: () => unknown, errorClass: ErrorClass<E>): E {
  try {
    fn();
  } catch (error) {
    if (error instanceof errorClass) return error;
    throw error;
  }
  throw new Error(`expected a ${errorClass.name}, nothing was thrown`);
}

/** The problems of the ConfigError `load` throws, none when it loads; any other throw fails the test. */
export function configProblems(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
