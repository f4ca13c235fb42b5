// History read in pages: a gap fill, a rejoin or a join with since whose reply says `more` reads the
// following pages of session.history before the live events.
import assert from 'node:assert/strict';
import { connected, joined, test, tick, envelopes } from './skillbus-harness.mjs';

/**
 * A client in room r1 up to seq 5, its resets recorded, to which a live event of seq `seq` comes: the
 * gap fill's first session.history request, and where the frames sent after it start.
 */
async function gapFill(seq) {
  const { server, bus, events } = await joined('r1', 5);
  const resets = [];
  bus.on('reset', (r) => resets.push(r.reason));
  server.event('r1', 'message', seq);
  const first = await server.request('session.history');
  return { server, bus, events, resets, first, from: server.socket.sent.length };
}

test('a gap fill follows more: it reads the following pages before the later events', async () => {
  const { server, bus, events, resets, first, from } = await gapFill(10);
  assert.deepEqual(first.body, { sessionId: 'r1', since: 5, epoch: 'e1' });
  server.reply(first, { events: envelopes('r1', [6, 7]), seq: 10, epoch: 'e1', complete: true, more: true });
  const second = await server.request('session.history', from);
  assert.deepEqual(second.body, { sessionId: 'r1', since: 7, epoch: 'e1' });
  server.event('r1', 'message', 11); // live while the pages are read: held back
  assert.deepEqual(events, [6, 7]);
  server.reply(second, { events: envelopes('r1', [8, 9, 10]), seq: 11, epoch: 'e1', complete: true, more: false });
  await tick();
  server.event('r1', 'message', 12);
  assert.deepEqual(events, [6, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual(resets, []);
  bus.close();
});

test('a rejoin whose reply says more reads the rest from session.history before the live events and the waiting requests', async () => {
  const { server, bus, events } = await joined('r1', 5);
  server.drop();
  await server.socketNumber(2);
  server.open();
  const rejoin = await server.request('session.join');
  assert.deepEqual(rejoin.body, { sessionId: 'r1', since: 5, epoch: 'e1' });
  server.event('r1', 'message', 10); // live, before the reply
  const from = server.socket.sent.length;
  server.reply(rejoin, { sessionId: 'r1', participants: [], seq: 9, epoch: 'e1', missed: envelopes('r1', [6, 7]), recovered: true, more: true });
  const page = await server.request('session.history', from);
  assert.deepEqual(page.body, { sessionId: 'r1', since: 7, epoch: 'e1' });
  const message = bus.emit('session.message', { sessionId: 'r1', text: 'after' });
  server.event('r1', 'message', 11);
  await tick();
  assert.deepEqual(events, [6, 7]);
  assert.ok(!server.socket.sent.some((f) => f.address === 'session.message'), 'waits until the room has caught up');
  server.reply(page, { events: envelopes('r1', [8, 9, 10]), seq: 10, epoch: 'e1', complete: true, more: false });
  server.reply(await server.request('session.message'), { sessionId: 'r1', seq: 12 });
  assert.deepEqual(await message, { sessionId: 'r1', seq: 12 });
  assert.deepEqual(events, [6, 7, 8, 9, 10, 11]);
  bus.close();
});

/**
 * A client that joins c1 with since 0, its join answered with `reply`: what its listeners saw (seqs,
 * resets, then 'resolved'), the join, and the session.history request that follows.
 */
async function joinedFromStart(reply) {
  const { server, bus } = await connected();
  const seen = [];
  bus.on('reset', (r) => seen.push('reset ' + r.reason));
  bus.onAny((name, data, envelope) => seen.push(envelope.seq));
  const joining = bus.join('c1', { since: 0 }).then((answer) => {
    seen.push('resolved');
    return answer;
  });
  const request = await server.request('session.join');
  const from = server.socket.sent.length;
  server.reply(request, { sessionId: 'c1', participants: [], epoch: 'e', ...reply });
  const second = await server.request('session.history', from);
  return { server, bus, seen, joining, second };
}

test('join() with since resolves once every page of what it asked for is delivered, in order', async () => {
  const { server, bus, seen, joining, second } = await joinedFromStart({ seq: 5, missed: envelopes('c1', [1, 2], 'e'), recovered: true, more: true });
  assert.deepEqual(second.body, { sessionId: 'c1', since: 2, epoch: 'e' });
  const more = server.socket.sent.length;
  server.reply(second, { events: envelopes('c1', [3, 4], 'e'), seq: 5, epoch: 'e', complete: true, more: true });
  const third = await server.request('session.history', more);
  assert.deepEqual(third.body, { sessionId: 'c1', since: 4, epoch: 'e' });
  await tick();
  assert.deepEqual(seen, [1, 2, 3, 4]);
  server.reply(third, { events: envelopes('c1', [5], 'e'), seq: 5, epoch: 'e', complete: true, more: false });
  assert.equal((await joining).seq, 5);
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 'resolved']);
  bus.close();
});

test('a connection lost while pages are read: the rejoin goes on from the last event delivered', async () => {
  const { server, bus, events } = await joined('r1', 5);
  server.event('r1', 'message', 9);
  const first = await server.request('session.history');
  const from = server.socket.sent.length;
  server.reply(first, { events: envelopes('r1', [6, 7]), seq: 9, epoch: 'e1', complete: true, more: true });
  await server.request('session.history', from);
  server.drop();
  await server.socketNumber(2);
  server.open();
  const rejoin = await server.request('session.join');
  assert.deepEqual(rejoin.body, { sessionId: 'r1', since: 7, epoch: 'e1' });
  server.reply(rejoin, { sessionId: 'r1', participants: [], seq: 9, epoch: 'e1', missed: envelopes('r1', [8, 9]), recovered: true, more: false });
  await tick();
  server.event('r1', 'message', 10);
  assert.deepEqual(events, [6, 7, 8, 9, 10]);
  bus.close();
});

test('a following page that no longer reaches back says reset and goes on from the history\'s position', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const resets = [];
  bus.on('reset', (r) => resets.push(r.reason));
  server.drop();
  await server.socketNumber(2);
  server.open();
  const rejoin = await server.request('session.join');
  const from = server.socket.sent.length;
  server.reply(rejoin, { sessionId: 'r1', participants: [], seq: 9, epoch: 'e1', missed: envelopes('r1', [6]), recovered: true, more: true });
  const page = await server.request('session.history', from);
  server.event('r1', 'message', 12);
  server.reply(page, { events: [], seq: 11, epoch: 'e1', complete: false, more: false });
  await tick();
  assert.deepEqual(resets, ['history']);
  assert.deepEqual(events, [6, 12]);
  assert.deepEqual(bus.rooms, [{ sessionId: 'r1', lastSeq: 12, epoch: 'e1' }]);
  bus.close();
});

test('a page that no longer reaches back but holds what the history keeps: reset, then those events and the pages after them', async () => {
  const { server, bus, events, resets, first, from } = await gapFill(30);
  server.reply(first, { events: envelopes('r1', [21, 22]), seq: 30, epoch: 'e1', complete: false, more: true });
  const second = await server.request('session.history', from);
  assert.deepEqual(second.body, { sessionId: 'r1', since: 22, epoch: 'e1' });
  server.reply(second, { events: envelopes('r1', [23, 24, 25, 26, 27, 28, 29, 30]), seq: 30, epoch: 'e1', complete: true, more: false });
  await tick();
  assert.deepEqual(resets, ['history']);
  assert.deepEqual(events, [21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
  bus.close();
});

test('join() with since 0 of a room whose history was trimmed: reset, then every page of what it keeps, before join() resolves', async () => {
  const { server, bus, seen, joining, second } = await joinedFromStart({ seq: 13, missed: envelopes('c1', [11, 12], 'e'), recovered: false, more: true });
  assert.deepEqual(second.body, { sessionId: 'c1', since: 12, epoch: 'e' });
  server.reply(second, { events: envelopes('c1', [13], 'e'), seq: 13, epoch: 'e', complete: true, more: false });
  assert.equal((await joining).seq, 13);
  assert.deepEqual(seen, ['reset history', 11, 12, 13, 'resolved']);
  bus.close();
});
