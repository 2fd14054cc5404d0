import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from 'zustand/vanilla';
import type { LabStatus } from '../lab/lab-store.ts';
import { whenLabSettled } from './offline-store.ts';

const lab = (status: LabStatus, warmedUp = false) => createStore<{ status: LabStatus; warmedUp: boolean }>(() => ({ status, warmedUp }));
const settledWithin = async (p: Promise<void>, ms: number) => Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

test('whenLabSettled: the service worker waits while the lab starts and warms up, and goes once it has, or failed', async () => {
  const store = lab('idle');
  const waiting = whenLabSettled(store, 50, 10_000);
  store.setState({ status: 'downloading' });
  assert.equal(await settledWithin(waiting, 150), false, 'still starting after the grace period');
  store.setState({ status: 'restoring' });
  assert.equal(await settledWithin(waiting, 50), false);
  store.setState({ status: 'ready' });
  assert.equal(await settledWithin(waiting, 50), false, 'ready, the warm-up under way');
  store.setState({ warmedUp: true });
  assert.equal(await settledWithin(waiting, 50), true, 'warmed up');

  const failing = lab('restoring');
  const waitingOnFailure = whenLabSettled(failing, 50, 10_000);
  failing.setState({ status: 'error' });
  assert.equal(await settledWithin(waitingOnFailure, 50), true, 'failed');
});

test('whenLabSettled: a page with no lab (still idle after the grace period) or a lab already up does not wait', async () => {
  assert.equal(await settledWithin(whenLabSettled(lab('idle'), 30, 10_000), 200), true, 'no lab');
  assert.equal(await settledWithin(whenLabSettled(lab('ready', true), 5_000, 10_000), 20), true, 'warmed up already');
});

test('whenLabSettled: a lab that never gets there holds it back only so long', async () => {
  assert.equal(await settledWithin(whenLabSettled(lab('downloading'), 10, 100), 400), true);
});
