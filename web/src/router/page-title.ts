/**
 * The window's title follows the page shown: « <its main heading> – Cocagne ». Screen readers
 * say the title when a page changes, and people find the tab among others. The heading is read
 * from what is on screen (a member's name, a round's day), so no page repeats it; a page that
 * is still reading keeps the application's name meanwhile.
 */
export function titleFor(heading: string | null | undefined, appName: string): string {
  const text = heading?.replace(/\s+/g, ' ').trim();
  return text ? `${text} – ${appName}` : appName;
}

/**
 * Keeps `document.title` on the main heading of `#main` as the page renders (navigation,
 * loading, a language switched): at most once per frame. Returns what stops it.
 */
export function followPageTitle(appName: () => string, root: Document = document): () => void {
  let scheduled = false;
  const update = () => {
    scheduled = false;
    const title = titleFor(root.querySelector('#main h1')?.textContent, appName());
    if (root.title !== title) root.title = title;
  };
  const observer = new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(update);
  });
  observer.observe(root.body, { childList: true, subtree: true, characterData: true });
  update();
  return () => observer.disconnect();
}
