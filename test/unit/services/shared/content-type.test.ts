import { describe, expect, it } from 'vitest';
import { contentTypeOf } from '../../../../services/shared/content-type.ts';

describe('contentTypeOf', () => {
  it('names the type of every file a page build produces', () => {
    expect(contentTypeOf('/web/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('/web/assets/app-1a2b.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('/web/assets/app.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('/web/favicon.ico')).toBe('image/x-icon');
    expect(contentTypeOf('/web/assets/font.woff2')).toBe('font/woff2');
  });

  it('serves an unknown extension as bytes, never as something a browser would run', () => {
    expect(contentTypeOf('/web/notes.exe')).toBe('application/octet-stream');
    expect(contentTypeOf('/web/README')).toBe('application/octet-stream');
  });
});
