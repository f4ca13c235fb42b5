// Gap fill and epochs: a seq jump is filled from session.history; a history that started again (a new
// epoch) says reset once, and late events of an older epoch are dropped.
import assert from 'node:assert/strict';
import { connected, joined, test, tick } from './skillbus-harness.mjs';

test('a seq jump is filled from session.history before the later events', async () => {
  const { server, bus, events } = await joined('r1', 5);
  server.event('r1', 'message', 8);
  const history = await server.request('session.history');
  assert.deepEqual(history.body, { sessionId: 'r1', since: 5, epoch: 'e1' });
  server.event('r1', 'message', 9);
  server.reply(history, { events: [6, 7, 8].map((seq) => ({ event: 'message', room: 'r1', seq, epoch: 'e1', data: {} })), seq: 8, epoch: 'e1', complete: true });
  await tick();
  server.event('r1', 'message', 10);
  assert.deepEqual(events, [6, 7, 8, 9, 10]);
  bus.close();
});

test('a gap fill whose history started again says reset and goes on from the new position', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const resets = [];
  bus.on('reset', (r) => resets.push(r.sessionId + ':' + r.reason));
  server.event('r1', 'message', 8);
  const history = await server.request('session.history');
  server.reply(history, { events: [], seq: 3, epoch: 'e2', complete: false });
  await tick();
  server.event('r1', 'message', 4, {}, 'e2');
  assert.deepEqual(resets, ['r1:epoch']);
  assert.deepEqual(events, [4]);
  bus.close();
});

test('events held during a gap fill go on by epoch: the old epoch first, then the new once the history names it', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const resets = [];
  bus.on('reset', (r) => resets.push(r.sessionId + ':' + r.reason));
  server.event('r1', 'message', 8);
  const history = await server.request('session.history');
  // While the fill is under way the room's history starts again on the server (epoch e2).
  server.event('r1', 'message', 9);
  server.event('r1', 'message', 1, {}, 'e2');
  server.event('r1', 'message', 2, {}, 'e2');
  const from = server.socket.sent.length;
  server.reply(history, { events: [6, 7, 8].map((seq) => ({ event: 'message', room: 'r1', seq, epoch: 'e1', data: {} })), seq: 9, epoch: 'e1', complete: true });
  // e2 is new to the client: the room's history says it is the current epoch.
  const again = await server.request('session.history', from);
  assert.deepEqual(again.body, { sessionId: 'r1', since: 9, epoch: 'e1' });
  server.reply(again, { events: [], seq: 2, epoch: 'e2', complete: false });
  await tick();
  server.event('r1', 'message', 3, {}, 'e2');
  server.event('r1', 'message', 10, {}, 'e1'); // late, of the history that ended
  assert.deepEqual(events, [6, 7, 8, 9, 1, 2, 3]);
  assert.deepEqual(resets, ['r1:epoch']);
  assert.deepEqual(bus.rooms, [{ sessionId: 'r1', lastSeq: 3, epoch: 'e2' }]);
  bus.close();
});

test('a late event of an epoch older than the room\'s is dropped, with no reset, once the history names the current epoch', async () => {
  const { server, bus } = await connected();
  const events = [];
  const resets = [];
  bus.onAny((name, data, envelope) => events.push(envelope.epoch + ':' + envelope.seq));
  bus.on('reset', (r) => resets.push(r.reason));
  const joining = bus.join('r1');
  server.reply(await server.request('session.join'), { sessionId: 'r1', participants: [], seq: 2, epoch: 'e2' });
  await joining;
  server.event('r1', 'message', 9, {}, 'e1'); // sent before the room's history started again, late from another node
  const history = await server.request('session.history');
  assert.deepEqual(history.body, { sessionId: 'r1', since: 2, epoch: 'e2' });
  server.event('r1', 'message', 3, {}, 'e2');
  server.reply(history, { events: [], seq: 2, epoch: 'e2', complete: true });
  await tick();
  server.event('r1', 'message', 10, {}, 'e1');
  server.event('r1', 'message', 4, {}, 'e2');
  assert.deepEqual(events, ['e2:3', 'e2:4']);
  assert.deepEqual(resets, []);
  assert.equal(server.socket.sent.filter((f) => f.address === 'session.history').length, 1, 'the retired epoch is not asked about again');
  assert.deepEqual(bus.rooms, [{ sessionId: 'r1', lastSeq: 4, epoch: 'e2' }]);
  bus.close();
});

test('a live change of epoch says reset once and goes on with the new epoch\'s events; a late event of the old epoch changes nothing', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const resets = [];
  bus.on('reset', (r) => resets.push(r.reason));
  server.event('r1', 'message', 1, {}, 'e2'); // the room's history was lost on the server and started again
  const history = await server.request('session.history');
  assert.deepEqual(history.body, { sessionId: 'r1', since: 5, epoch: 'e1' });
  server.reply(history, { events: [], seq: 1, epoch: 'e2', complete: false });
  await tick();
  server.event('r1', 'message', 6, {}, 'e1'); // late from another node
  server.event('r1', 'message', 2, {}, 'e2');
  assert.deepEqual(resets, ['epoch']);
  assert.deepEqual(events, [1, 2]);
  assert.deepEqual(bus.rooms, [{ sessionId: 'r1', lastSeq: 2, epoch: 'e2' }]);
  bus.close();
});

test('an epoch asked about when the connection dropped is asked about again, not taken as the new one', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const resets = [];
  bus.on('reset', (r) => resets.push(r.reason));
  server.event('r1', 'message', 9, {}, 'e0'); // late, of a history that ended before e1
  await server.request('session.history');
  server.drop();
  await server.socketNumber(2);
  server.open();
  const rejoin = await server.request('session.join');
  server.reply(rejoin, { sessionId: 'r1', participants: [], seq: 5, epoch: 'e1', missed: [], recovered: true });
  await tick();
  const from = server.socket.sent.length;
  server.event('r1', 'message', 10, {}, 'e0');
  const again = await server.request('session.history', from);
  server.reply(again, { events: [], seq: 5, epoch: 'e1', complete: true });
  await tick();
  server.event('r1', 'message', 6, {}, 'e1');
  assert.deepEqual(resets, []);
  assert.deepEqual(events, [6]);
  bus.close();
});

test('an event of a new epoch whose history cannot be read is taken as the new epoch, with reset', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const resets = [];
  bus.on('reset', (r) => resets.push(r.reason));
  const errors = [];
  bus.on('error', (e) => errors.push(e.code));
  server.event('r1', 'message', 8, {}, 'e2'); // a seq past the room's next one: no gap, another epoch
  server.fail(await server.request('session.history'), 503, 'store down');
  await tick();
  server.event('r1', 'message', 9, {}, 'e2');
  assert.deepEqual(errors, [503]);
  assert.deepEqual(resets, ['epoch']);
  assert.deepEqual(events, [8, 9]);
  assert.equal(server.socket.sent.filter((f) => f.address === 'session.history').length, 1);
  bus.close();
});

test('join() while a gap fill is under way is answered by a join of its own once the fill is done', async () => {
  const { server, bus, events } = await joined('r1', 5);
  server.event('r1', 'message', 8);
  const history = await server.request('session.history');
  const from = server.socket.sent.length;
  const again = bus.join('r1');
  await tick();
  assert.ok(!server.socket.sent.slice(from).some((f) => f.address === 'session.join'), 'waits for the fill');
  server.reply(history, { events: [6, 7, 8].map((seq) => ({ event: 'message', room: 'r1', seq, epoch: 'e1', data: {} })), seq: 8, epoch: 'e1', complete: true });
  const join = await server.request('session.join', from);
  assert.deepEqual(join.body, { sessionId: 'r1', since: 8, epoch: 'e1' });
  server.reply(join, { sessionId: 'r1', participants: [], seq: 8, epoch: 'e1', missed: [], recovered: true });
  assert.equal((await again).seq, 8);
  assert.deepEqual(events, [6, 7, 8]);
  bus.close();
});

test('join() with since while a gap fill is under way asks from that since once the fill is done', async () => {
  const { server, bus, events } = await joined('r1', 5);
  server.event('r1', 'message', 7, {}, 'e1');
  const history = await server.request('session.history');
  const from = server.socket.sent.length;
  const again = bus.join('r1', { since: 0 });
  server.reply(history, { events: [], seq: 2, epoch: 'e2', complete: false });
  const join = await server.request('session.join', from);
  assert.deepEqual(join.body, { sessionId: 'r1', since: 0, epoch: 'e2' });
  const missed = [1, 2].map((seq) => ({ event: 'message', room: 'r1', seq, epoch: 'e2', data: {} }));
  server.reply(join, { sessionId: 'r1', participants: [], seq: 2, epoch: 'e2', missed, recovered: true });
  assert.equal((await again).epoch, 'e2');
  assert.deepEqual(events, [1, 2]);
  bus.close();
});
