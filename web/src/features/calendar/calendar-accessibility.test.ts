import { afterEach, describe, expect, it, vi } from 'vitest';
import { adjustCalendar, keepCalendarAccessible, movedDay } from './calendar-accessibility.ts';

/** The month grid as @event-calendar/core 5.15 renders it: two weeks of seven days. */
function monthGrid(firstDay = 1): HTMLElement {
  const root = document.createElement('div');
  const days = Array.from({ length: 14 }, (_, index) => {
    const date = `2026-12-${String(firstDay + index).padStart(2, '0')}`;
    return `<div class="ec-day" role="cell"><div class="ec-day-head"><time datetime="${date}">${firstDay + index}</time></div></div>`;
  }).join('');
  root.innerHTML = `<div class="ec" role="table">
    <nav class="ec-toolbar"><button>Aujourd’hui</button></nav>
    <section class="ec-main">
      <header class="ec-header"><div class="ec-grid" role="row"><div role="columnheader">lun.</div></div></header>
      <div class="ec-body"><div class="ec-grid">${days}</div><div class="ec-events"></div></div>
    </section>
  </div>`;
  document.body.append(root);
  return root;
}

const options = {
  daysLabel: 'Jours affichés',
  dayLabel: (day: string) => `jour ${day}`,
  preferred: () => '2026-12-03',
  choose: vi.fn(),
};

afterEach(() => {
  document.body.innerHTML = '';
  options.choose.mockReset();
});

describe('the calendar’s adjustment for screen readers and keyboards', () => {
  it('gives the grid list roles, hides the weekday row and makes each day a named button', () => {
    const root = monthGrid();
    adjustCalendar(root, options);
    expect(root.querySelector('.ec')!.hasAttribute('role')).toBe(false);
    expect(root.querySelector('.ec-header')!.getAttribute('aria-hidden')).toBe('true');
    const list = root.querySelector('.ec-body > .ec-grid')!;
    expect(list.getAttribute('role')).toBe('list');
    expect(list.getAttribute('aria-label')).toBe('Jours affichés');
    expect(
      [...root.querySelectorAll('.ec-day')].every((day) => day.getAttribute('role') === 'listitem'),
    ).toBe(true);
    const buttons = [...root.querySelectorAll('time')];
    expect(buttons.every((button) => button.getAttribute('role') === 'button')).toBe(true);
    expect(buttons[0]!.getAttribute('aria-label')).toBe('jour 2026-12-01');
    // One tab stop: the preferred day.
    expect(
      buttons.filter((button) => button.getAttribute('tabindex') === '0').map((b) => b.dateTime),
    ).toEqual(['2026-12-03']);
  });

  it('chooses a day with Enter or Space, and moves with the arrows, Home and End', () => {
    const root = monthGrid();
    const stop = keepCalendarAccessible(root, options);
    const day = (date: string) => root.querySelector<HTMLElement>(`time[datetime="${date}"]`)!;
    const press = (key: string) =>
      (document.activeElement as HTMLElement).dispatchEvent(
        new KeyboardEvent('keydown', { key, bubbles: true }),
      );
    day('2026-12-03').focus();
    press('ArrowRight');
    expect((document.activeElement as HTMLElement).getAttribute('datetime')).toBe('2026-12-04');
    press('ArrowDown');
    expect((document.activeElement as HTMLElement).getAttribute('datetime')).toBe('2026-12-11');
    expect(day('2026-12-11').getAttribute('tabindex')).toBe('0');
    expect(day('2026-12-03').getAttribute('tabindex')).toBe('-1');
    press('Enter');
    expect(options.choose).toHaveBeenLastCalledWith('2026-12-11');
    press('Home');
    press(' ');
    expect(options.choose).toHaveBeenLastCalledWith('2026-12-01');
    press('End');
    expect((document.activeElement as HTMLElement).getAttribute('datetime')).toBe('2026-12-14');
    stop();
  });

  it('adjusts the days the calendar renders next (another month)', async () => {
    const root = monthGrid();
    const stop = keepCalendarAccessible(root, options);
    const body = root.querySelector('.ec-body > .ec-grid')!;
    body.innerHTML =
      '<div class="ec-day" role="cell"><div class="ec-day-head"><time datetime="2027-01-04">4</time></div></div>';
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(body.firstElementChild!.getAttribute('role')).toBe('listitem');
    expect(root.querySelector('time')!.getAttribute('role')).toBe('button');
    expect(root.querySelector('time')!.getAttribute('tabindex')).toBe('0');
    stop();
  });

  it('keeps the moves inside the days shown', () => {
    expect(movedDay(0, 'ArrowLeft', 35)).toBe(0);
    expect(movedDay(3, 'ArrowUp', 35)).toBe(0);
    expect(movedDay(33, 'ArrowDown', 35)).toBe(34);
    expect(movedDay(5, 'Tab', 35)).toBeUndefined();
  });
});
