import { addDays, gardenDay } from '../../domain/calendar.ts';
import type { Client } from '@temporalio/client';
import type { Store } from '../../adapters/store/index.ts';
import { createPaymentCommands } from '../../temporal/payment-client.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { emptyLedger, gardenTraffic, type ChaosGarden, type Ledger } from './garden-traffic.ts';
import { checkInvariants, invariantNames, violationsOf, type InvariantReport } from './invariants.ts';
import type { StripeRecorder } from './stripe-recorder.ts';

/** Something the runner can kill (`kill -9`, or a peer cut off) and bring back. */
export interface Fault {
  name: string;
  kill(): Promise<void>;
  /** Resolves once it serves again. */
  restart(): Promise<void>;
}

export interface ChaosReport {
  rounds: number;
  kills: Record<string, number>;
  /** Invariants checked: each invariant once per round. */
  checks: number;
  /** Each violation once, with the round it was first seen in. */
  violations: Array<{ round: number; what: string }>;
  requests: number;
  outcomes: Record<string, number>;
  /** Seconds from a round's end to its invariants holding, p50 and max. */
  settleSeconds: { p50: number; max: number };
  seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The garden's last month ("2026-11" in December 2026): the only one a billing run may bill. */
function lastMonthOf(today: string): string {
  return addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
}

/**
 * Issue 18's chaos runs: rounds of a garden's busy weeks (`traffic`) while, at a random moment
 * of each, one of `faults` is killed and brought back. After each round the invariants are
 * checked again and again until they hold or `settleMs` has passed; what still breaks them
 * then is a violation.
 */
export async function runChaos(options: {
  rounds: number;
  faults: Fault[];
  /** Each fault in turn (a short run covers them all), instead of one at random. */
  inTurn?: boolean;
  /** The garden, the API that serves it, and what the invariants read. */
  target: {
    apiUrl: string;
    store: Store;
    client: Client;
    garden: ChaosGarden;
    stripe: StripeRecorder;
    webhookSecret: string;
  };
  /** Of the run's random choices: the same seed makes the same choices. */
  seed: number;
  /**
   * The round of last month's billing run (only last month can be billed: one run per chaos
   * run), with the baskets of the households signed up by then.
   */
  billAtRound: number;
  settleMs: number;
  log: (line: string) => void;
}): Promise<{ report: ChaosReport; ledger: Ledger }> {
  const { log } = options;
  const { store, client, garden, stripe } = options.target;
  const ledger = emptyLedger();
  const random = seededRandom(options.seed);
  const traffic = gardenTraffic({
    ...options.target,
    ledger,
    random,
    collect: (input) => createPaymentCommands(client).collect(input),
  });
  const check = () => checkInvariants({ store, client, garden, ledger, stripe });
  const began = Date.now();
  const kills: Record<string, number> = Object.fromEntries(options.faults.map((fault) => [fault.name, 0]));
  const violations = new Map<string, number>();
  const settleTimes: number[] = [];
  let checks = 0;
  const lastMonth = lastMonthOf(gardenDay(new Date()));

  for (let round = 1; round <= options.rounds; round++) {
    const roundBegan = Date.now();
    const busyWeek = (async () => {
      await traffic.signUp();
      await traffic.signUp();
      await traffic.approveWaiting();
      await traffic.reportAbsence();
      await traffic.changeBasket();
      await traffic.prepareWeeks();
      if (round === options.billAtRound) await traffic.billMonth(lastMonth);
      await traffic.takeOverOverdueInvoice();
      await traffic.deliverWebhooks();
      await traffic.payByCheque();
    })();
    const fault =
      options.faults[
        options.inTurn ? (round - 1) % options.faults.length : Math.floor(random() * options.faults.length)
      ]!;
    await sleep(Math.floor(random() * 1_500));
    await fault.kill();
    kills[fault.name] = (kills[fault.name] ?? 0) + 1;
    await sleep(500 + Math.floor(random() * 2_500));
    await fault.restart();
    await busyWeek;

    // Settle: what Stripe and staff would send again (idempotent), then the invariants.
    const settleBegan = Date.now();
    let report: InvariantReport | undefined;
    for (;;) {
      try {
        // Sent again until answered: a billing run, like a week's preparation, starts once.
        if (round >= options.billAtRound) await traffic.billMonth(lastMonth);
        await traffic.prepareWeeks({ onlyMissing: true });
        await traffic.deliverWebhooks();
        await traffic.payByCheque();
        report = await check();
        if (!violationsOf(report).length) break;
      } catch (error) {
        report = { 'invariants could be read': [String(error)] };
      }
      if (Date.now() - settleBegan > options.settleMs) break;
      await sleep(2_000);
    }
    settleTimes.push((Date.now() - settleBegan) / 1000);
    checks += invariantNames.length;
    const broken = violationsOf(report);
    for (const what of broken) if (!violations.has(what)) violations.set(what, round);
    log(
      `round ${round}/${options.rounds}: ${fault.name} killed, ${Math.round((Date.now() - roundBegan) / 1000)} s, ` +
        `${ledger.requests} requests so far, ${broken.length ? `${broken.length} violations:\n  ${broken.slice(0, 5).join('\n  ')}` : 'invariants hold'}`,
    );
  }

  const outcomes: Record<string, number> = {};
  const count = (outcome: string) => (outcomes[outcome] = (outcomes[outcome] ?? 0) + 1);
  for (const member of ledger.members.values()) count(member.outcome);
  for (const application of ledger.applications.values()) count(application.outcome);
  for (const outcome of ledger.approvals.values()) count(outcome);
  for (const absence of ledger.absences) count(absence.outcome);
  for (const change of ledger.changes.values()) count(change.outcome);
  for (const cheque of ledger.cheques.values()) count(cheque.outcome);
  for (const webhook of ledger.webhooks.values()) count(webhook.outcome);
  const sorted = [...settleTimes].sort((a, b) => a - b);
  const report: ChaosReport = {
    rounds: options.rounds,
    kills,
    checks,
    violations: [...violations].map(([what, round]) => ({ round, what })),
    requests: ledger.requests,
    outcomes,
    settleSeconds: {
      p50: sorted[Math.floor(sorted.length / 2)] ?? 0,
      max: sorted.at(-1) ?? 0,
    },
    seconds: Math.round((Date.now() - began) / 1000),
  };
  return { report, ledger };
}
