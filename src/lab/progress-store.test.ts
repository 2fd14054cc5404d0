import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StateStorage } from 'zustand/middleware';
import { PROGRESS_KEY, PROGRESS_VERSION, createProgressStore, lessonProgress, migrateProgress } from './progress-store.ts';

function memoryStorage(): StateStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

test('passing steps is recorded once per step, per lesson', () => {
  const store = createProgressStore(memoryStorage());
  const s = store.getState();
  s.markPassed('meet-the-lab', 'pid1');
  s.markPassed('meet-the-lab', 'pid1');
  s.markPassed('meet-the-lab', 'tag');
  s.markPassed('other', 'x');
  assert.deepEqual(store.getState().passed, { 'meet-the-lab': ['pid1', 'tag'], other: ['x'] });
  assert.deepEqual(lessonProgress(store.getState().passed, 'meet-the-lab', ['pid1', 'tag', 'run']), { done: 2, total: 3 });
  assert.ok(s.isPassed('meet-the-lab', 'tag'));
  assert.equal(s.isPassed('meet-the-lab', 'run'), false);
});

test('progress survives a new store on the same storage (a reload)', () => {
  const storage = memoryStorage();
  const first = createProgressStore(storage);
  first.getState().setCurrentLesson('meet-the-lab');
  first.getState().markPassed('meet-the-lab', 'pid1');
  assert.match(storage.data.get(PROGRESS_KEY) ?? '', /pid1/);

  const second = createProgressStore(storage); // synchronous storage: hydrated at creation
  assert.equal(second.getState().currentLesson, 'meet-the-lab');
  assert.ok(second.getState().isPassed('meet-the-lab', 'pid1'));
  assert.deepEqual(lessonProgress(second.getState().passed, 'meet-the-lab', ['pid1', 'tag']), { done: 1, total: 2 });
});

test('clearing a lesson forgets only that lesson', () => {
  const store = createProgressStore(memoryStorage());
  store.getState().markPassed('a', '1');
  store.getState().markPassed('b', '1');
  store.getState().clearLesson('a');
  assert.deepEqual(store.getState().passed, { b: ['1'] });
});

test('corrupt storage starts empty instead of breaking the page', () => {
  const storage = memoryStorage();
  storage.data.set(PROGRESS_KEY, '{not json');
  const store = createProgressStore(storage);
  assert.deepEqual(store.getState().passed, {});
});

test('progress stored by the previous page (version 1, keyed by slug) is kept after the upgrade', () => {
  const storage = memoryStorage();
  storage.data.set(PROGRESS_KEY, JSON.stringify({ state: { currentLesson: 'meet-the-lab', passed: { 'meet-the-lab': ['pid1', 'tag'] } }, version: 1 }));
  const store = createProgressStore(storage);
  assert.equal(store.getState().currentLesson, 'meet-the-lab');
  assert.deepEqual(store.getState().passed, { 'meet-the-lab': ['pid1', 'tag'] });
  assert.equal(JSON.parse(storage.data.get(PROGRESS_KEY) ?? '{}').version, PROGRESS_VERSION);
});

test('migration drops what is not progress and keeps what is', () => {
  assert.deepEqual(migrateProgress({ currentLesson: 7, passed: { a: ['1', 2, '1'], b: 'x' } }, 1), { currentLesson: null, passed: { a: ['1'] } });
  assert.deepEqual(migrateProgress(null, 0), { currentLesson: null, passed: {} });
});
