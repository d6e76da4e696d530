import { isApiError, type ApiError } from '../../api-client/request.ts';
import type { MarkInput } from './driver-api.ts';

/**
 * The marks a driver made on the phone, kept there until the API has them: with no network
 * (a lane in the woods) a mark waits, « en attente d’envoi », and nothing is lost on reload.
 * They are sent in the order they were made; each keeps the id made on the phone, so a mark
 * sent twice (the answer lost on the way back) is applied once. A photo is kept as data with
 * its mark until it is uploaded, then only its key.
 */
export interface QueuedMark extends MarkInput {
  /** The proof photo as a data URL (JPEG), until it is uploaded. */
  photo?: string;
  /** `refused`: the API said no (its sentence in `problem`); the driver may send it again or drop it. */
  state: 'waiting' | 'refused';
  problem?: string;
  attempts: number;
}

/** Where the queue is kept: one list per garden and delivery day. */
export interface QueueStorage {
  read(key: string): Promise<QueuedMark[] | undefined>;
  write(key: string, marks: QueuedMark[]): Promise<void>;
}

/** How a mark reaches the API: its photo first (answering its key), then the mark. */
export interface MarkSender {
  photo(photoId: string, photo: string): Promise<string>;
  mark(mark: MarkInput): Promise<void>;
}

export function queueKey(gardenId: string, date: string): string {
  return `cocagne.driver.marks/${gardenId}/${date}`;
}

/** Worth trying again later: no network, the API down or busy. Anything else is a refusal. */
export function isTransient(error: ApiError): boolean {
  return error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500;
}

export interface FlushOutcome {
  sent: number;
  /** Why sending stopped with marks still waiting (no network…): they wait for the next try. */
  stopped?: ApiError;
}

export class MarkQueue {
  private flushing: Promise<FlushOutcome> | undefined;

  private readonly storage: QueueStorage;
  private readonly sender: MarkSender;
  readonly key: string;

  constructor(storage: QueueStorage, sender: MarkSender, key: string) {
    this.storage = storage;
    this.sender = sender;
    this.key = key;
  }

  async marks(): Promise<QueuedMark[]> {
    return (await this.storage.read(this.key)) ?? [];
  }

  /** Keeps a new mark; it is on the phone once this resolves. */
  async add(mark: MarkInput & { photo?: string }): Promise<QueuedMark[]> {
    const marks = await this.marks();
    if (marks.some((queued) => queued.markId === mark.markId)) return marks;
    const next = [...marks, { ...mark, state: 'waiting' as const, attempts: 0 }];
    await this.storage.write(this.key, next);
    return next;
  }

  /** Sends the waiting marks in order; one run at a time (a second call joins the first). */
  flush(): Promise<FlushOutcome> {
    this.flushing ??= this.run().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** A refused mark sent again (after the driver read why). */
  async retry(markId: string): Promise<void> {
    await this.change(markId, ({ problem: _read, ...mark }) => ({ ...mark, state: 'waiting' }));
  }

  /** A refused mark the driver gives up. */
  async discard(markId: string): Promise<void> {
    await this.storage.write(
      this.key,
      (await this.marks()).filter((mark) => mark.markId !== markId),
    );
  }

  private async change(markId: string, update: (mark: QueuedMark) => QueuedMark): Promise<void> {
    const marks = await this.marks();
    await this.storage.write(
      this.key,
      marks.map((mark) => (mark.markId === markId ? update(mark) : mark)),
    );
  }

  private async run(): Promise<FlushOutcome> {
    let sent = 0;
    // Read again at each turn: marks added while sending go out in the same run, in order.
    for (;;) {
      const next = (await this.marks()).find((mark) => mark.state === 'waiting');
      if (!next) return { sent };
      await this.change(next.markId, (mark) => ({ ...mark, attempts: mark.attempts + 1 }));
      try {
        let photoKey = next.photoKey;
        if (next.photo && !photoKey) {
          photoKey = await this.sender.photo(next.markId, next.photo);
          // The photo is up: keep its key, drop its bytes (a retry then sends the mark alone).
          const uploaded = photoKey;
          await this.change(next.markId, ({ photo: _sent, ...mark }) => ({ ...mark, photoKey: uploaded }));
        }
        const { photo: _photo, state: _state, problem: _problem, attempts: _attempts, ...input } = next;
        await this.sender.mark({ ...input, ...(photoKey ? { photoKey } : {}) });
        await this.storage.write(
          this.key,
          (await this.marks()).filter((mark) => mark.markId !== next.markId),
        );
        sent += 1;
      } catch (error) {
        if (!isApiError(error)) throw error;
        if (isTransient(error)) return { sent, stopped: error };
        await this.change(next.markId, (mark) => ({ ...mark, state: 'refused', problem: error.message }));
      }
    }
  }
}
