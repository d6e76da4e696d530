import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import ProgressStatus from './ProgressStatus.vue';
import { progressStep } from './progress-announcement.ts';

describe('a long task’s progress, said to screen readers', () => {
  it('counts quarters, whatever the figures', () => {
    expect([0, 9, 10, 24, 25, 39, 40].map((done) => progressStep(done, 40))).toEqual([0, 0, 1, 2, 2, 3, 4]);
    expect(progressStep(5, 0)).toBe(0);
    expect(progressStep(Number.NaN, 10)).toBe(0);
    expect(progressStep(50, 40)).toBe(4);
  });

  it('says a new sentence at each quarter, phase and end, not at each step', async () => {
    const text = (done: number) => `${done} foyers facturés sur 40`;
    const status = mount(ProgressStatus, { props: { done: 0, total: 40, text: text(0) } });
    const said = () => status.get('[role="status"]').text();
    expect(said()).toBe('0 foyers facturés sur 40');
    await status.setProps({ done: 3, text: text(3) });
    expect(said()).toBe('0 foyers facturés sur 40');
    await status.setProps({ done: 11, text: text(11) });
    expect(said()).toBe('11 foyers facturés sur 40');
    await status.setProps({ done: 12, phase: 'approval', text: 'En attente de validation' });
    expect(said()).toBe('En attente de validation');
    await status.setProps({ done: 40, text: 'Terminé' });
    expect(said()).toBe('Terminé');
  });
});
