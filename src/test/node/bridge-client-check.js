// Drives a skillbus node with the official @vertx/eventbus-bridge-client.js (over sockjs-client)
// and prints one JSON line: what each step saw. The JUnit test BridgeClientCompatibilityTest runs
// it and asserts on that line. Usage: node bridge-client-check.js http://127.0.0.1:PORT
const EventBus = require('@vertx/eventbus-bridge-client.js');

const base = process.argv[2];
const room = 'js-room-' + Date.now();
const result = { steps: {} };
const step = (name, value) => { result.steps[name] = value; };

async function token(userId, role) {
  const res = await fetch(base + '/api/auth/token', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId, name: 'JS ' + userId, role }),
  });
  return (await res.json()).token;
}

function open(tokenValue) {
  return new Promise((resolve, reject) => {
    const eb = new EventBus(base + '/eventbus', { vertxbus_ping_interval: 2000 });
    eb.defaultHeaders = { authorization: 'Bearer ' + tokenValue };
    eb.onopen = () => resolve(eb);
    eb.onerror = (err) => { result.globalErrors = (result.globalErrors || []).concat([err]); };
    setTimeout(() => reject(new Error('connect timeout')), 10000);
  });
}

function request(eb, address, body) {
  return new Promise((resolve) => eb.send(address, body, {}, (err, msg) => resolve(err ? { err } : { body: msg.body })));
}

function waitEvent(events, name, pred = () => true) {
  return new Promise((resolve) => {
    const check = () => {
      const found = events.find((e) => e.event === name && pred(e));
      if (found) return resolve(found);
      setTimeout(check, 20);
    };
    check();
  });
}

async function main() {
  const alice = await open(await token('js-alice', 'instructor'));
  const bob = await open(await token('js-bob', 'learner'));
  const aliceEvents = [];
  alice.registerHandler('room.' + room, {}, (err, msg) => { if (!err) aliceEvents.push(msg.body); });
  bob.registerHandler('room.' + room, {}, () => {});

  const joinA = await request(alice, 'session.join', { sessionId: room });
  step('aliceJoin', joinA.body ? { participants: joinA.body.participants.map((p) => p.userId), seq: joinA.body.seq } : joinA);
  const joinB = await request(bob, 'session.join', { sessionId: room });
  step('bobJoin', joinB.body ? { participants: joinB.body.participants.map((p) => p.userId).sort() } : joinB);
  step('aliceSawBobJoin', (await waitEvent(aliceEvents, 'user-joined', (e) => e.data.userId === 'js-bob')).data.userId);

  const sent = await request(bob, 'session.message', { sessionId: room, text: 'hello', data: { n: 1 } });
  const message = await waitEvent(aliceEvents, 'message');
  step('message', { replySeq: sent.body && sent.body.seq, eventSeq: message.seq, text: message.data.text, data: message.data.data });

  bob.send('session.cursor', { sessionId: room, line: 3, column: 7 });
  step('cursor', (await waitEvent(aliceEvents, 'cursor-moved')).data);

  const refused = await request(alice, 'not.allowed', {});
  step('refusedSend', refused.err ? { failureCode: refused.err.failureCode } : refused);
  const registerError = await new Promise((resolve) => alice.registerHandler('user.js-bob', {}, (err) => resolve(err)));
  step('refusedRegister', registerError ? { failureCode: registerError.failureCode } : null);

  bob.close();
  step('aliceSawBobLeave', (await waitEvent(aliceEvents, 'user-left', (e) => e.data.userId === 'js-bob')).data.userId);
  alice.close();
}

const timer = setTimeout(() => { result.timeout = true; console.log(JSON.stringify(result)); process.exit(1); }, 20000);
main().then(() => {
  clearTimeout(timer);
  result.ok = true;
  console.log(JSON.stringify(result));
  process.exit(0);
}).catch((e) => {
  clearTimeout(timer);
  result.error = String(e);
  console.log(JSON.stringify(result));
  process.exit(1);
});
