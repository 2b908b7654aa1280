// The stable code of the typed error `fn` throws, or 'accepted' when it returns. Pure.
export function errorCode(fn: () => unknown): string {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    return (error as { code: string }).code;
  }
}
