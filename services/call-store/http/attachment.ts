// The Content-Disposition of a download (RFC 6266 with RFC 8187's `filename*`): call ids reach the
// store from Kafka records, and one with a quote broke the header (`filename="a"b;c.csv"`) while
// one with a non-Latin-1 letter made Node refuse it (a 500). Pure.

/** `attachment` naming `filename`: an ASCII fallback for old clients and the exact UTF-8 name. */
export function attachmentDisposition(filename: string): string {
  // Only characters that need no quoting rules: the rest become `_` in the fallback.
  const fallback = filename.replace(/[^A-Za-z0-9._-]/g, '_');
  // RFC 8187 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~"; everything else percent-encoded.
  const exact = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`;
}
