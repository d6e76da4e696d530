import { describe, expect, it } from 'vitest';
import { blobOf, dataUrlOf, scaledSize } from './photo.ts';

describe('proof photos', () => {
  it('are drawn with their longest side at 1600 px at most, proportions kept, never enlarged', () => {
    expect(scaledSize(4032, 3024)).toEqual({ width: 1600, height: 1200 });
    expect(scaledSize(3024, 4032)).toEqual({ width: 1200, height: 1600 });
    expect(scaledSize(1200, 900)).toEqual({ width: 1200, height: 900 });
  });

  it('keep their bytes and type from blob to data URL and back', async () => {
    const photo = new Blob([new Uint8Array([255, 216, 255, 0, 1, 2])], { type: 'image/jpeg' });
    const kept = await dataUrlOf(photo);
    expect(kept.startsWith('data:image/jpeg;base64,')).toBe(true);
    const back = blobOf(kept);
    expect(back.type).toBe('image/jpeg');
    expect([...new Uint8Array(await back.arrayBuffer())]).toEqual([255, 216, 255, 0, 1, 2]);
  });
});
