import { describe, expect, it } from 'vitest';
import { ApiError } from '../api-client/request.ts';
import { usePageReading } from './page-reading.ts';

describe("a page's reading of its record", () => {
  it('is loading while it reads, and answers the record', async () => {
    const page = usePageReading(async () => {
      expect(page.loading.value).toBe(true);
      return { id: 'm-louise' };
    });
    await expect(page.load()).resolves.toEqual({ id: 'm-louise' });
    expect(page.loading.value).toBe(false);
    expect(page.loadError.value).toBeUndefined();
    expect(page.notFound.value).toBe(false);
  });

  it('says a 404 as « not found », another refusal as its sentence, and starts afresh on a retry', async () => {
    const answers: Array<ApiError | string> = [
      new ApiError(404, 'not_found', 'Introuvable.'),
      new ApiError(503, 'unavailable', 'Le serveur ne répond pas.'),
      'trouvé',
    ];
    const page = usePageReading(async () => {
      const answer = answers.shift();
      if (answer instanceof ApiError) throw answer;
      return answer;
    });
    await expect(page.load()).resolves.toBeUndefined();
    expect(page.notFound.value).toBe(true);
    expect(page.loadError.value).toBeUndefined();

    await page.load();
    expect(page.notFound.value).toBe(false);
    expect(page.loadError.value).toBe('Le serveur ne répond pas.');

    await expect(page.load()).resolves.toBe('trouvé');
    expect(page.loadError.value).toBeUndefined();
    expect(page.loading.value).toBe(false);
  });

  it('takes the other statuses it is given for « not found »', async () => {
    const page = usePageReading(async () => {
      throw new ApiError(403, 'forbidden', 'Interdit.');
    }, [404, 403]);
    await page.load();
    expect(page.notFound.value).toBe(true);
    expect(page.loadError.value).toBeUndefined();
  });

  it('throws on what is not a refusal of the API (a bug), and is no longer loading', async () => {
    const page = usePageReading(async () => {
      throw new TypeError('bug');
    });
    await expect(page.load()).rejects.toThrow('bug');
    expect(page.loading.value).toBe(false);
  });
});
