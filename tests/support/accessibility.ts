import { createRequire } from 'node:module';
import type { Browser, Locator, Page, Request } from 'playwright-core';

/** axe-core's own script, read from its package and run in the page. */
const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * The rules checked: WCAG 2.0 and 2.1, levels A and AA (the conformance the accessibility
 * statement claims). No rule is turned off.
 */
const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** The API calls and documents a page is waiting for (event streams never end: left out). */
const pending = new WeakMap<Page, Set<Request>>();

/**
 * A page for axe: its context bypasses the app's content security policy (which allows no
 * inline script) so that axe's script can be added, and its requests are followed, so that a
 * check waits for what the page is still reading.
 */
export async function axePage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  const requests = new Set<Request>();
  pending.set(page, requests);
  page.on('request', (request) => {
    if (request.resourceType() !== 'eventsource') requests.add(request);
  });
  page.on('requestfinished', (request) => requests.delete(request));
  page.on('requestfailed', (request) => requests.delete(request));
  return page;
}

/**
 * Opens `path` as a click on a link would, without reloading the app (a reload signs in again
 * with Keycloak): a history entry, then the « popstate » the router follows. Returns the path
 * the router settled on (another one when it redirected).
 */
export async function visitInApp(page: Page, path: string): Promise<string> {
  await page.evaluate(`(() => {
    const from = history.state ?? {};
    const position = (typeof from.position === 'number' ? from.position : 0) + 1;
    const state = { ...from, back: location.pathname, current: ${JSON.stringify(path)}, forward: null, position, replaced: false };
    history.pushState(state, '', ${JSON.stringify(path)});
    dispatchEvent(new PopStateEvent('popstate', { state }));
  })()`);
  await settledPage(page);
  return page.evaluate<string>('location.pathname');
}

/**
 * Waits until the page shows its content: a main landmark, nothing loading or busy, no request
 * pending for a quarter of a second (a page may read in two steps).
 */
export async function settledPage(page: Page, timeoutMs = 30_000): Promise<void> {
  const requests = pending.get(page);
  const until = Date.now() + timeoutMs;
  let quietSince = Date.now();
  for (;;) {
    const busy = await page.evaluate<boolean>(
      `!document.querySelector('main') || !!document.querySelector('[data-testid="loading"], [aria-busy="true"]')`,
    );
    if (busy || (requests?.size ?? 0) > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= 250) return;
    if (Date.now() > until) {
      const waiting = [...(requests ?? [])].map((request) => request.url()).join(', ');
      throw new Error(
        `${page.url()} did not settle in ${timeoutMs} ms${waiting ? ` (waiting for ${waiting})` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What axe finds against WCAG 2.1 AA on the page as it shows now: « rule target: summary » each. */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate<boolean>(`typeof axe !== 'undefined'`)))
    await page.addScriptTag({ path: axeSource });
  return page.evaluate<string[]>(`axe
    .run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(wcagTags)} }, resultTypes: ['violations'] })
    .then((results) =>
      results.violations.flatMap((violation) =>
        violation.nodes.map(
          (node) => violation.id + ' (' + violation.impact + ') ' + node.target.join(' ') + ': ' + node.failureSummary,
        ),
      ),
    )`);
}

/**
 * The elements that stick out past the right edge of the window (the innermost ones), to say
 * what makes a page wider than the screen: « tag.class "text" » each, at most five.
 */
export async function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const width = document.documentElement.clientWidth;
    const out = [...document.querySelectorAll('body *')].filter((element) => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && box.right > width + 1;
    });
    const innermost = out.filter((element) => !out.some((other) => other !== element && element.contains(other)));
    return innermost.slice(0, 5).map((element) =>
      element.tagName.toLowerCase() + (element.className && typeof element.className === 'string' ? '.' + element.className.trim().split(/\\s+/).join('.') : '') +
      ' "' + (element.textContent ?? '').trim().slice(0, 40) + '" right ' + Math.round(element.getBoundingClientRect().right));
  })()`);
}

/** What has the focus: « tag#id [data-testid] "text" », for messages. */
export async function focusedElement(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => {
    const element = document.activeElement;
    if (!element) return 'nothing';
    const testid = element.getAttribute('data-testid');
    return element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') +
      (testid ? ' [' + testid + ']' : '') + ' "' + (element.textContent ?? '').trim().slice(0, 40) + '"';
  })()`);
}

/** Whether `target` has the keyboard's focus. */
export async function hasFocus(target: Locator): Promise<boolean> {
  // A function, not a string: Playwright calls a string's function without the element.
  return target
    .evaluate(
      (element: { ownerDocument: { activeElement: unknown } }) =>
        element === element.ownerDocument.activeElement,
    )
    .catch(() => false);
}

/**
 * Presses Tab (Shift+Tab with `backwards`) until `target` has the focus, as a keyboard user
 * would; fails when `max` presses do not reach it. Returns the presses it took.
 */
export async function tabTo(
  page: Page,
  target: Locator,
  { max = 60, backwards = false }: { max?: number; backwards?: boolean } = {},
): Promise<number> {
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    if (await hasFocus(target)) return presses;
  }
  throw new Error(
    `Tab did not reach ${target.toString()} in ${max} presses (the focus is on ${await focusedElement(page)})`,
  );
}

/** Whether the element with the focus shows it: a ring (a shadow) or a visible outline. */
export async function focusShown(page: Page): Promise<boolean> {
  return page.evaluate<boolean>(`(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return false;
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 && !/rgba\\(.*, 0\\)$|transparent/.test(style.outlineColor);
    return outline || (style.boxShadow !== 'none' && style.boxShadow !== '');
  })()`);
}
