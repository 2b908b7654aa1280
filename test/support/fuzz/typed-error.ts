// Shared by the fuzz tests: how many cases each property runs, and the one check every fuzz target
// makes of a rejection — an instance of the module's error class with a code from its documented
// set. Anything else (TypeError, RangeError, a plain Error) is a crash the test reports. Pure.
import fc from 'fast-check';

/** At least 10 000 cases per target: the security review's bar for every fuzzed parser. */
const RUNS = 10_000;

type ErrorClass = abstract new (...args: never[]) => Error & { code: string };

/** What a parser did with one input: a value, or a typed rejection (already checked). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; code: string };

function typed(
  error: unknown,
  errorClass: ErrorClass,
  codes: readonly string[],
): { ok: false; code: string } {
  if (!(error instanceof errorClass)) {
    throw new Error(`untyped rejection, not a ${errorClass.name}: ${String(error)}`, { cause: error });
  }
  if (!codes.includes(error.code)) {
    throw new Error(`${errorClass.name} with undocumented code ${error.code}`, { cause: error });
  }
  return { ok: false, code: error.code };
}

/** Runs `parse`; a throw must be `errorClass` with a code in `codes`, else the property fails. */
export function settle<T>(parse: () => T, errorClass: ErrorClass, codes: readonly string[]): Outcome<T> {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    return typed(error, errorClass, codes);
  }
}

/** `settle` for async parsers: a rejection must be typed the same way. */
export async function settleAsync<T>(
  parse: () => Promise<T>,
  errorClass: ErrorClass,
  codes: readonly string[],
): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await parse() };
  } catch (error) {
    return typed(error, errorClass, codes);
  }
}

/** fc.assert parameters: the case count; fast-check prints the seed and shrunk input on failure. */
export const FUZZ: fc.Parameters<unknown> = { numRuns: RUNS };

/** `null` three times in four: each kind of damage alone leaves many inputs nearly valid. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });

/** Bytes that are mostly a valid encoding with a few bytes flipped, cut or appended: reaches deeper. */
export function mutated(valid: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(
      fc.constantFrom(...valid),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      rarely(fc.nat()),
      rarely(fc.uint8Array({ minLength: 1, maxLength: 16 })),
    )
    .map(([base, flips, cut, tail]) => {
      const out = Uint8Array.from(base);
      for (const [at, byte] of flips) if (out.length > 0) out[at % out.length] = byte;
      const kept = cut === null ? out : out.subarray(0, cut % (out.length + 1));
      return tail === null ? kept : Uint8Array.from([...kept, ...tail]);
    });
}
