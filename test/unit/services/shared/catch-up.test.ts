// The fan-out is ready only once it has read what its topics held at start: every partition up
// to its log end at that moment, from where its reading began (a partition with nothing to read
// from there is done at once); latched, so later traffic never makes it "not ready" again.
import { describe, expect, it } from 'vitest';
import { createCatchUp } from '../../../../services/shared/catch-up.ts';

describe('fan-out catch-up', () => {
  it('is done when every partition reached its end at start, and stays done', () => {
    const c = createCatchUp();
    expect(c.done()).toBe(false); // nothing marked yet: not started
    c.endsAt('calls', 0, '10');
    c.begins('calls', 0, '0');
    c.endsAt('emotions', 0, '500');
    c.begins('emotions', 0, '400'); // the rebuild window's start
    c.endsAt('emotions', 1, '300');
    c.begins('emotions', 1, '300'); // nothing produced in the window: done already
    expect(c.done()).toBe(false);
    c.reached('calls', 0, '10');
    c.reached('emotions', 0, '450');
    expect(c.done()).toBe(false);
    c.reached('emotions', 0, '500');
    expect(c.done()).toBe(true);
    c.endsAt('emotions', 0, '900'); // never asked again once done
    expect(c.done()).toBe(true);
  });

  it('never goes back: a flush report below a partition’s position (a re-read) changes nothing', () => {
    const c = createCatchUp();
    c.endsAt('alerts', 0, '5');
    c.begins('alerts', 0, '0');
    c.reached('alerts', 0, '5');
    c.reached('alerts', 0, '2');
    expect(c.done()).toBe(true);
  });
});
