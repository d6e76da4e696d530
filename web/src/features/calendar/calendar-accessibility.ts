import type { IsoDate } from '../../../../domain/calendar.ts';

/**
 * A small adjustment of @event-calendar/core's month and week grids (5.15), after each render,
 * for screen readers and keyboards. Its markup gives the calendar `role="table"` but puts the
 * toolbar and the events directly in it, and gives the days `role="cell"` without a row around
 * them (axe: aria-required-children, aria-required-parent); and a day can only be clicked, not
 * reached with a keyboard. No option of the library changes either. So, on what it renders:
 * - the calendar loses its table role (its section is named already), and the row of weekday
 *   names is hidden from screen readers (each day says its own full date);
 * - the days are a list (« Jours affichés »), each a list item;
 * - each day's date is a button named with the full date: Enter or Space chooses the day, the
 *   arrows move a day or a week, Home and End go to the first and last day shown; only one
 *   day is in the tab order (the chosen one, or today, or the first).
 * Only attributes change: the library keeps its elements, and a mutation observer applies the
 * adjustment again when it renders other days. To be reported upstream (vkurko/calendar).
 */
export interface CalendarAccessibility {
  /** The days' list name. */
  daysLabel: string;
  /** A day's full name, as a screen reader says it (« lundi 14 décembre 2026, semaine 51 »). */
  dayLabel: (day: IsoDate) => string;
  /** The day that takes the focus first when tabbing into the grid, when it is shown. */
  preferred: () => IsoDate | undefined;
  /** A day chosen with the keyboard. */
  choose: (day: IsoDate) => void;
}

/** The day buttons shown, in order: the `<time>` of each day of the grid's body. */
function dayButtons(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('.ec-body .ec-day time[datetime]')];
}

function setAttribute(element: Element, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

/** Applies the adjustment to what the calendar shows now. */
export function adjustCalendar(root: HTMLElement, options: CalendarAccessibility): void {
  for (const calendar of root.querySelectorAll('.ec[role]')) calendar.removeAttribute('role');
  for (const header of root.querySelectorAll('.ec-header')) setAttribute(header, 'aria-hidden', 'true');
  for (const grid of root.querySelectorAll('.ec-body > .ec-grid')) {
    setAttribute(grid, 'role', 'list');
    setAttribute(grid, 'aria-label', options.daysLabel);
  }
  for (const day of root.querySelectorAll('.ec-body .ec-day')) setAttribute(day, 'role', 'listitem');
  const buttons = dayButtons(root);
  const days = buttons.map((button) => button.getAttribute('datetime') ?? '');
  const focused = buttons.findIndex((button) => button === document.activeElement);
  const preferred = options.preferred();
  let current = focused;
  if (current < 0 && preferred) current = days.indexOf(preferred);
  if (current < 0) current = 0;
  buttons.forEach((button, index) => {
    setAttribute(button, 'role', 'button');
    setAttribute(button, 'tabindex', index === current ? '0' : '-1');
    setAttribute(button, 'aria-label', options.dayLabel(days[index]!));
  });
}

/** Where the arrows and Home/End move from a day's index, among `count` days of 7 columns. */
export function movedDay(index: number, key: string, count: number): number | undefined {
  const target =
    key === 'ArrowLeft'
      ? index - 1
      : key === 'ArrowRight'
        ? index + 1
        : key === 'ArrowUp'
          ? index - 7
          : key === 'ArrowDown'
            ? index + 7
            : key === 'Home'
              ? 0
              : key === 'End'
                ? count - 1
                : undefined;
  if (target === undefined) return undefined;
  return Math.min(Math.max(target, 0), count - 1);
}

/**
 * Keeps the calendar in `root` adjusted as it renders, and answers the keyboard on its days.
 * Returns what stops it.
 */
export function keepCalendarAccessible(root: HTMLElement, options: CalendarAccessibility): () => void {
  adjustCalendar(root, options);
  const observer = new MutationObserver(() => adjustCalendar(root, options));
  observer.observe(root, { childList: true, subtree: true });
  const onKeydown = (event: KeyboardEvent) => {
    const target = event.target instanceof HTMLElement ? event.target : undefined;
    const day = target?.closest('.ec-day time[datetime]');
    if (!(day instanceof HTMLElement)) return;
    const date = day.getAttribute('datetime') ?? '';
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      options.choose(date);
      return;
    }
    const buttons = dayButtons(root);
    const next = movedDay(buttons.indexOf(day), event.key, buttons.length);
    if (next === undefined) return;
    event.preventDefault();
    for (const button of buttons) button.setAttribute('tabindex', '-1');
    buttons[next]!.setAttribute('tabindex', '0');
    buttons[next]!.focus();
  };
  root.addEventListener('keydown', onKeydown);
  return () => {
    observer.disconnect();
    root.removeEventListener('keydown', onKeydown);
  };
}
