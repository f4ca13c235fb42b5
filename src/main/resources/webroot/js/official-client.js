// The same room as the live session page, through the official Vert.x bridge client
// (window.EventBus from /vendor/vertx-eventbus.js) instead of skillbus.js.
import { appendScrolled, clearIfSent, clock, devToken, el, fill, prefill, values } from '/js/page.js';

const form = document.getElementById('join-form');
const chat = document.getElementById('chat-form');
const sendButton = chat.querySelector('button');
const status = document.getElementById('status');
let eb = null;
let sessionId = null;
// The official client never fails a reply handler when its connection closes: the page keeps the
// rejects of each connection's requests still waiting for a reply, to reject them then.
const unanswered = new WeakMap();

prefill(form);
if (typeof window.EventBus !== 'function') {
  fill(document.getElementById('missing'), 'This build of skillbus has no copy of the official client '
    + '(npm was not available when it was built), so this page cannot connect.');
  form.querySelector('button').disabled = true;
}

function setStatus(state, text) {
  status.dataset.state = state;
  fill(status, el('span', {}, text));
}

/** The official client's callback style, as a Promise of the reply body; rejected with 503 if the connection closes first. */
function request(address, body) {
  const bus = eb;
  return new Promise((resolve, reject) => {
    const waiting = unanswered.get(bus);
    bus.send(address, body, {}, (err, reply) => {
      waiting.delete(reject);
      if (err) {
        reject(Object.assign(new Error(err.message), { code: err.failureCode }));
      } else {
        resolve(reply.body);
      }
    });
    waiting.add(reject);
  });
}

/** Rejects what a closed connection's requests still wait for: they may or may not have been applied. */
function failUnanswered(bus) {
  const waiting = unanswered.get(bus);
  const lost = Object.assign(new Error('the connection closed before the reply; it may have been applied'), { code: 503 });
  waiting.forEach((reject) => reject(lost));
  waiting.clear();
}

function showParticipants(list) {
  fill(document.getElementById('participants'), list.map((p) =>
    el('li', { 'data-user': p.userId }, el('strong', {}, p.name), ' ', el('span', { class: 'badge ' + p.role }, p.role))));
}

function onRoomEvent(err, message) {
  if (err) {
    fill(form.querySelector('.error'), err.failureCode + ': ' + err.message);
    return;
  }
  const envelope = message.body;
  if (envelope.event === 'session-left') {
    // An admin took this connection out of the room: it receives the room no more, and its sends are refused.
    eb?.unregisterHandler('room.' + envelope.room, {}, onRoomEvent);
    showParticipants([]);
    sendButton.disabled = true;
    fill(form.querySelector('.error'), 'An administrator took you out of session ' + envelope.data.sessionId + '.');
  }
  if (envelope.data.participants) {
    showParticipants(envelope.data.participants);
  }
  const text = envelope.event === 'message' ? envelope.data.name + ': ' + envelope.data.text
    : envelope.event + (envelope.data.name ? ' ' + envelope.data.name : '');
  appendScrolled(document.getElementById('log'), el('li', { 'data-seq': envelope.seq ?? '' },
    el('span', { class: 'seq' }, envelope.seq ? '#' + envelope.seq : ''), el('time', {}, clock(envelope.ts)), text));
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const v = values(form);
  const error = form.querySelector('.error');
  fill(error);
  try {
    const token = await devToken({ userId: v.user, role: 'learner' });
    eb?.close();
    sendButton.disabled = true;
    setStatus('connecting', 'Connecting…');
    const bus = new window.EventBus('/eventbus');
    eb = bus;
    unanswered.set(bus, new Set());
    bus.defaultHeaders = { authorization: 'Bearer ' + token };
    // Only this page's current connection speaks here: the one it replaced closes later.
    bus.onclose = () => {
      failUnanswered(bus);
      if (bus === eb) {
        setStatus('disconnected', 'Not connected');
        sendButton.disabled = true;
      }
    };
    bus.onopen = async () => {
      setStatus('connected', 'Connected');
      sessionId = v.session;
      bus.registerHandler('room.' + sessionId, {}, onRoomEvent);
      try {
        showParticipants((await request('session.join', { sessionId })).participants);
        sendButton.disabled = false;
      } catch (failure) {
        fill(error, failure.code + ': ' + failure.message);
      }
    };
  } catch (failure) {
    fill(error, String(failure.message));
  }
});

chat.addEventListener('submit', async (e) => {
  e.preventDefault();
  const error = chat.querySelector('.error');
  fill(error);
  try {
    const text = values(chat).text;
    await request('session.message', { sessionId, text });
    clearIfSent(chat.elements.text, text);
  } catch (failure) {
    fill(error, failure.code + ': ' + failure.message);
  }
});
