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

/** Where each listing's page starts; kept across refreshes, and moved by its Previous and Next. */
const offsets = { users: 0, rooms: 0 };

signin.addEventListener('submit', async (e) => {
  e.preventDefault();
  const v = values(signin);
  fill(signin.querySelector('.error'));
  clearInterval(timer);
  try {
    identity = { userId: v.user, role: v.role };
    token = await devToken(identity);
  } catch (failure) {
    showFailure(failure);
    return;
  }
  messageForm.querySelector('button').disabled = false;
  // Refreshed on whether or not this one works (a node or Redis that failed it may answer the next),
  // until one is refused as not the caller's to see.
  timer = setInterval(() => document.visibilityState === 'visible' && refreshOrStop(), REFRESH_MS);
  await refreshOrStop();
});

async function refreshOrStop() {
  try {
    await refresh();
  } catch (failure) {
    showFailure(failure);
    if (failure.code === 403) {
      clearInterval(timer);
      messageForm.querySelector('button').disabled = true;
    }
  }
}

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
  // Pages of the node's own size (OPS_PAGE_SIZE): a larger limit may be above what it allows.
  const [users, rooms] = await Promise.all([listing('users'), listing('rooms')]);
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

/** The page of a listing at its offset; the last page instead when the listing has shrunk below the offset. */
async function listing(name) {
  const page = await call('GET', '/socket/' + name + '?offset=' + offsets[name]);
  if (page.items.length > 0 || page.total === 0 || offsets[name] === 0) {
    return page;
  }
  offsets[name] = Math.floor((page.total - 1) / page.limit) * page.limit;
  return call('GET', '/socket/' + name + '?offset=' + offsets[name]);
}

/** Which of a listing's items its page shows, and its Previous and Next (each a page further). */
function showPager(name, page) {
  const pager = document.getElementById(name + '-pager');
  const first = page.items.length ? page.offset + 1 : 0;
  fill(pager.querySelector('.range'), first + '–' + (page.offset + page.items.length) + ' of ' + page.total);
  pager.querySelector('[data-step="-1"]').disabled = page.offset === 0;
  pager.querySelector('[data-step="1"]').disabled = page.offset + page.items.length >= page.total;
  pager.dataset.limit = page.limit;
}

for (const name of Object.keys(offsets)) {
  document.getElementById(name + '-pager').addEventListener('click', (e) => {
    const step = Number(e.target.closest('button')?.dataset.step);
    if (step) {
      offsets[name] = Math.max(0, offsets[name] + step * Number(e.currentTarget.dataset.limit));
      refreshOrStop();
    }
  });
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
  showPager('users', page);
  fill(document.querySelector('#users tbody'), page.items.map((u) => el('tr', { 'data-user': u.id },
    el('td', {}, el('strong', {}, u.name), ' ', el('span', { class: 'muted' }, u.id)), el('td', {}, u.role),
    el('td', {}, String(u.connections)), el('td', {}, u.rooms.join(', ')))));
}

function showRooms(page) {
  fill(document.getElementById('rooms-total'), '(' + page.total + ')');
  showPager('rooms', page);
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
