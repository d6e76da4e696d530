import { afterEach, describe, expect, it } from 'vitest';
import { followPageTitle, titleFor } from './page-title.ts';

/** The observer's callback, then the frame it waits for. */
const frame = async () => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  await new Promise((resolve) => requestAnimationFrame(resolve));
};

afterEach(() => {
  document.body.innerHTML = '';
  document.title = '';
});

describe('the window’s title', () => {
  it('is the main heading, then the application’s name', () => {
    expect(titleFor('  Louise\n  Michel ', 'Cocagne')).toBe('Louise Michel – Cocagne');
    expect(titleFor('', 'Cocagne')).toBe('Cocagne');
    expect(titleFor(undefined, 'Cocagne')).toBe('Cocagne');
  });

  it('follows the page as it renders and changes, and stops when asked', async () => {
    document.body.innerHTML = '<main id="main"><p>Chargement…</p></main>';
    const stop = followPageTitle(() => 'Cocagne');
    expect(document.title).toBe('Cocagne');
    document.getElementById('main')!.innerHTML = '<h1>Adhérents</h1>';
    await frame();
    expect(document.title).toBe('Adhérents – Cocagne');
    document.querySelector('h1')!.textContent = 'Members';
    await frame();
    expect(document.title).toBe('Members – Cocagne');
    // A heading outside the main content (a dialog's, the header's) is not the page's.
    document.body.insertAdjacentHTML('afterbegin', '<h1>Cocagne</h1>');
    await frame();
    expect(document.title).toBe('Members – Cocagne');
    stop();
    document.querySelector('#main h1')!.textContent = 'Semaines';
    await frame();
    expect(document.title).toBe('Members – Cocagne');
  });
});
