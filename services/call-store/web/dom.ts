/// <reference lib="dom" />
// Tiny DOM helpers for the review page: element builder with text content only (no innerHTML of
// data, so stored strings can never inject markup), time formatting, a sign-out's clean-up of
// sessionStorage. Pure apart from the DOM and sessionStorage.

type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') node.addEventListener(key.replace(/^on/, ''), value);
    else if (key === 'class') node.className = String(value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** 75.4 → "1:15". */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function fmt(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

/** A stored time in the reader's local time, with its zone ("6 Dec 2026, 12:34:36 UTC"). */
export function when(iso: string | null): string {
  return iso
    ? new Date(iso).toLocaleString(undefined, {
        dateStyle: 'medium',
        timeStyle: 'long',
      })
    : '—';
}

/** The reader's time zone as the pages name it ("UTC", "CET"). */
export function localZone(): string {
  return (
    new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' })
      .formatToParts(new Date())
      .find((part) => part.type === 'timeZoneName')?.value ?? 'local time'
  );
}

/** Forgets every sessionStorage entry whose key starts with `prefix` (a sign-out's clean-up). */
export function removeSessionKeys(prefix: string): void {
  const keys: string[] = [];
  for (let i = 0; i < sessionStorage.length; i++) {
    const key = sessionStorage.key(i);
    if (key?.startsWith(prefix)) keys.push(key);
  }
  for (const key of keys) sessionStorage.removeItem(key);
}
