import { isApiError, type ApiError } from '../../api-client/request.ts';
import type { MarkInput } from './driver-api.ts';

/**
 * The marks a driver made on the phone, kept there until the API has them: with no network
 * (a lane in the woods) a mark waits, « en attente d’envoi », and nothing is lost on reload.
 * They are sent in the order they were made; each keeps the id made on the phone, so a mark
 * sent twice (the answer lost on the way back) is applied once. A photo is kept as data with
 * its mark until it is uploaded, then only its key. Each mark is its own record, and every
 * change to a day's marks runs after the one before (one flush at a time), so a mark made while
 * others are sent is never written over. A session to open again (401), an access refused
 * (403) or no network stops sending: the marks wait, none is refused for it.
 */
export interface QueuedMark extends MarkInput {
  /** The proof photo as a data URL (JPEG), until it is uploaded. */
  photo?: string;
  /** `refused`: the API said no (its sentence in `problem`); the driver may send it again or drop it. */
  state: 'waiting' | 'refused';
  problem?: string;
  attempts: number;
}

/**
 * Where the queue is kept: one record per mark, under its garden and day (`queue`) and its
 * `markId`, so that keeping one mark never writes over another.
 */
export interface QueueStorage {
  /** The day's marks, in any order. */
  list(queue: string): Promise<QueuedMark[]>;
  get(queue: string, markId: string): Promise<QueuedMark | undefined>;
  put(queue: string, mark: QueuedMark): Promise<void>;
  remove(queue: string, markId: string): Promise<void>;
}

/** How a mark reaches the API: its photo first (answering its key), then the mark. */
export interface MarkSender {
  photo(photoId: string, photo: string): Promise<string>;
  /** Resolves once the API has the mark (`duplicate`: it had it already, from a send whose answer was lost). */
  mark(mark: MarkInput): Promise<{ duplicate?: boolean } | void>;
}

export function queueKey(gardenId: string, date: string): string {
  return `cocagne.driver.marks/${gardenId}/${date}`;
}

/** Worth trying again later: no network, the API down or busy. */
export function isTransient(error: ApiError): boolean {
  return error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500;
}

/**
 * Sending stops and every mark keeps waiting: the cause is not the mark (no network, the API
 * down or busy, a session to open again, an access to get back). Any other 4xx (400, 404, 409,
 * 422…) is about the mark itself: that one is refused, the next ones go.
 */
export function stopsSending(error: ApiError): boolean {
  return isTransient(error) || error.status === 401 || error.status === 403;
}

/** The order marks were made in (markedAt, then markId): the order they are sent and shown. */
export function byMaking(a: QueuedMark, b: QueuedMark): number {
  const made = Date.parse(a.markedAt) - Date.parse(b.markedAt);
  if (made !== 0 && !Number.isNaN(made)) return made;
  return a.markId < b.markId ? -1 : a.markId > b.markId ? 1 : 0;
}

export interface FlushOutcome {
  sent: number;
  /** Why sending stopped with marks still waiting (no network, a session to open…): they wait for the next try. */
  stopped?: ApiError;
}

/** What the queues of one garden and day share on this page, whatever MarkQueue object reaches them. */
interface Shared {
  /** Every change to the day's marks runs after the one before. */
  chain: Promise<unknown>;
  /** The flush under way, if any: one at a time. */
  running?: Promise<FlushOutcome>;
  /** A flush was asked for while one ran: it looks again before it ends. */
  again: boolean;
}

const sharedByStorage = new WeakMap<QueueStorage, Map<string, Shared>>();

function sharedOf(storage: QueueStorage, key: string): Shared {
  let byKey = sharedByStorage.get(storage);
  if (!byKey) sharedByStorage.set(storage, (byKey = new Map<string, Shared>()));
  let shared = byKey.get(key);
  if (!shared) byKey.set(key, (shared = { chain: Promise.resolve(), again: false }));
  return shared;
}

/** Another tab of the same phone flushing the same day waits for this one (where the browser can say so). */
function acrossTabs<T>(key: string, run: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  return locks ? locks.request(`${key}/flush`, run) : run();
}

export class MarkQueue {
  private readonly storage: QueueStorage;
  private readonly sender: MarkSender;
  private readonly shared: Shared;
  readonly key: string;

  constructor(storage: QueueStorage, sender: MarkSender, key: string) {
    this.storage = storage;
    this.sender = sender;
    this.key = key;
    this.shared = sharedOf(storage, key);
  }

  /** The day's marks on the phone, in the order they were made. */
  marks(): Promise<QueuedMark[]> {
    return this.serial(() => this.sorted());
  }

  /** Keeps a new mark; it is on the phone once this resolves (answering the day's marks). */
  add(mark: MarkInput & { photo?: string }): Promise<QueuedMark[]> {
    return this.serial(async () => {
      if (!(await this.storage.get(this.key, mark.markId)))
        await this.storage.put(this.key, { ...mark, state: 'waiting', attempts: 0 });
      return this.sorted();
    });
  }

  /**
   * Sends the waiting marks in order. One run at a time: a call while one runs joins it, and
   * the run looks again before it ends, so a mark kept meanwhile goes in it.
   */
  flush(): Promise<FlushOutcome> {
    const shared = this.shared;
    if (shared.running) {
      shared.again = true;
      return shared.running;
    }
    const running = acrossTabs(this.key, () => this.run());
    shared.running = running;
    // The run clears `running` itself as it decides to end; this is for a run that threw.
    void running
      .catch(() => undefined)
      .finally(() => {
        if (shared.running === running) shared.running = undefined;
      });
    return running;
  }

  /** A refused mark sent again (after the driver read why). */
  async retry(markId: string): Promise<void> {
    await this.change(markId, ({ problem: _read, ...mark }) => ({ ...mark, state: 'waiting' }));
  }

  /** A refused mark the driver gives up. */
  async discard(markId: string): Promise<void> {
    await this.serial(() => this.storage.remove(this.key, markId));
  }

  /** Runs a step on the day's marks after every step asked for before it. */
  private serial<T>(step: () => Promise<T>): Promise<T> {
    const done = this.shared.chain.then(step);
    this.shared.chain = done.catch(() => undefined);
    return done;
  }

  private async sorted(): Promise<QueuedMark[]> {
    return (await this.storage.list(this.key)).sort(byMaking);
  }

  /** Changes one mark as it is now (not as read before); a mark gone meanwhile stays gone. */
  private change(markId: string, update: (mark: QueuedMark) => QueuedMark): Promise<void> {
    return this.serial(async () => {
      const mark = await this.storage.get(this.key, markId);
      if (mark) await this.storage.put(this.key, update(mark));
    });
  }

  private async run(): Promise<FlushOutcome> {
    const shared = this.shared;
    let sent = 0;
    const end = (outcome: FlushOutcome): FlushOutcome => {
      shared.running = undefined;
      shared.again = false;
      return outcome;
    };
    try {
      // Read again at each turn: marks kept while sending go out in the same run, in order.
      for (;;) {
        const next = (await this.marks()).find((mark) => mark.state === 'waiting');
        if (!next) {
          if (shared.again) {
            shared.again = false;
            continue;
          }
          return end({ sent });
        }
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
          // Sent, or the API had it already (duplicate): either way it is the API's now.
          await this.sender.mark({ ...input, ...(photoKey ? { photoKey } : {}) });
          await this.serial(() => this.storage.remove(this.key, next.markId));
          sent += 1;
        } catch (error) {
          if (!isApiError(error)) throw error;
          if (stopsSending(error)) return end({ sent, stopped: error });
          await this.change(next.markId, (mark) => ({ ...mark, state: 'refused', problem: error.message }));
        }
      }
    } catch (error) {
      end({ sent });
      throw error;
    }
  }
}
