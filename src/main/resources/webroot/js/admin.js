// Admin: the operations API (/socket/*) of the whole cluster, fetched every two seconds while the
// page is visible; a message to any room.
import { clearIfSent, clock, describe, devToken, el, fill, prefill, rest, values } from '/js/page.js';

const REFRESH_MS = 2000;
const signin = document.getElementById('signin-form');
const messageForm = document.getElementById('message-form');
const status = document.getElementById('status');
let token = null;
let identity = null;
let timer = null;

prefill(signin);

signin.addEventListener('submit', async (e) => {
  e.preventDefault();
  const v = values(signin);
  const error = signin.querySelector('.error');
  fill(error);
  clearInterval(timer);
  try {
    identity = { userId: v.user, role: v.role };
    token = await devToken(identity);
    await refresh();
    messageForm.querySelector('button').disabled = false;
    timer = setInterval(() => document.visibilityState === 'visible' && refresh().catch(showFailure), REFRESH_MS);
  } catch (failure) {
    showFailure(failure);
  }
});

function showFailure(failure) {
  status.dataset.state = 'failed';
  fill(status, el('span', {}, 'Refresh failed'));
  fill(signin.querySelector('.error'), describe(failure));
}

/** A REST call with the page's token; one refused as expired (401) is made again with a new one. */
async function call(method, path, body) {
  try {
    return await rest(method, path, token, body);
  } catch (failure) {
    if (failure.code !== 401) {
      throw failure;
    }
    token = await devToken(identity);
    return rest(method, path, token, body);
  }
}

async function refresh() {
  const health = await fetch('/socket/health').then((r) => r.json());
  showHealth(health);
  // Stats first: a caller who may not see them (403) is told once, without two more refusals.
  const stats = await call('GET', '/socket/stats');
  const [users, rooms] = await Promise.all([call('GET', '/socket/users?limit=100'), call('GET', '/socket/rooms?limit=100')]);
  showStats(stats);
  showUsers(users);
  showRooms(rooms);
  // Written only when it changes: a status region re-filled every 2 s is read out every 2 s.
  if (status.dataset.state !== 'connected' || status.textContent !== 'Live') {
    fill(signin.querySelector('.error')); // a failed refresh before this one is over
    status.dataset.state = 'connected';
    fill(status, el('span', {}, 'Live'));
  }
  fill(document.getElementById('updated'), 'Updated at ' + clock() + (stats.complete === false
    ? '; no answer from ' + stats.missing.join(', ') : '') + '. Refreshed every 2 seconds.');
}

/** A tile: a number, or (word set) a status in words, in a smaller type so that it fits a narrow tile. */
function stat(label, value, word = false) {
  return el('div', {}, el('dt', {}, label), el('dd', { class: word ? 'word' : null }, String(value)));
}

function showHealth(health) {
  const badge = document.getElementById('health-status');
  badge.className = 'badge ' + ({ UP: 'success', DEGRADED: 'warning', DOWN: 'error' }[health.status] || '');
  fill(badge, health.status);
  fill(document.getElementById('health'), stat('Nodes', health.clusterSize), stat('Redis', String(health.redis).replaceAll('_', ' '), true),
    stat('Uptime', Math.round(health.uptime / 60) + ' min'));
}

function showStats(stats) {
  const t = stats.total;
  fill(document.getElementById('stats'), stat('Connections', t.connections), stat('Users', t.users), stat('Rooms', t.rooms),
    stat('Messages in /s', t.messagesIn.perSecond.toFixed(1)), stat('Messages out /s', t.messagesOut.perSecond.toFixed(1)),
    stat('Refused', Object.values(t.refused || {}).reduce((a, b) => a + b, 0)));
  const rows = Object.entries(t.events || {}).sort((a, b) => b[1] - a[1]);
  fill(document.querySelector('#events tbody'), rows.map(([name, count]) => el('tr', {}, el('td', {}, name), el('td', {}, String(count)))));
}

function showUsers(page) {
  fill(document.getElementById('users-total'), '(' + page.total + ')');
  fill(document.querySelector('#users tbody'), page.items.map((u) => el('tr', { 'data-user': u.id },
    el('td', {}, el('strong', {}, u.name), ' ', el('span', { class: 'muted' }, u.id)), el('td', {}, u.role),
    el('td', {}, String(u.connections)), el('td', {}, u.rooms.join(', ')))));
}

function showRooms(page) {
  fill(document.getElementById('rooms-total'), '(' + page.total + ')');
  fill(document.querySelector('#rooms tbody'), page.items.map((r) => el('tr', { 'data-room': r.id },
    el('td', {}, r.id), el('td', {}, String(r.members)), el('td', {}, String(r.connections)),
    el('td', {}, String(r.seq ?? '')), el('td', {}, r.private ? 'private' : 'open'))));
}

messageForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const v = values(messageForm);
  const sent = messageForm.querySelector('[role="status"]');
  const error = messageForm.querySelector('.error');
  fill(sent);
  fill(error);
  try {
    const reply = await call('POST', '/socket/rooms/message', { roomId: v.roomId, text: v.text, data: {} });
    fill(sent, 'Sent to ' + reply.roomId + ' as #' + reply.seq + '.');
    clearIfSent(messageForm.elements.text, v.text);
  } catch (failure) {
    fill(error, describe(failure));
  }
});
