// What every demo page shares: building elements (user content only ever as text), the site
// navigation, dev tokens and REST calls, the connection status, toasts and form helpers.
import { connect } from '/skillbus.js';

const PAGES = [
  ['/', 'Home'],
  ['/course.html', 'Course generator'],
  ['/session.html', 'Live session'],
  ['/coaching.html', 'Coaching'],
  ['/admin.html', 'Admin'],
  ['/test-websocket', 'Test WebSocket'],
  ['/official-client.html', 'Official client'],
];

/**
 * Creates an element. Attributes are set with setAttribute; every child that is not a Node is
 * added as a text node, so data from the server is never parsed as HTML.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) {
      continue;
    }
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/**
 * Empties a text field once what it held was sent, unless it was typed over meanwhile: the next
 * message, typed while the last one was on its way, stays.
 */
export function clearIfSent(field, sent) {
  if (field.value.trim() === String(sent).trim()) {
    field.value = '';
  }
}

/** Renders the site navigation into nav#site-nav, marking this page. */
export function siteNav() {
  const nav = document.getElementById('site-nav');
  if (!nav) {
    return;
  }
  const here = location.pathname;
  fill(nav, el('ul', {}, PAGES.map(([href, label]) =>
    el('li', {}, el('a', { href, 'aria-current': href === here ? 'page' : null }, label)))));
}

/** Options from the page's query string: prefill a form's fields of the same name. */
export function prefill(form) {
  const params = new URLSearchParams(location.search);
  for (const element of form.elements) {
    if (element.name && params.has(element.name)) {
      if (element.type === 'checkbox') {
        element.checked = params.get(element.name) === 'true';
      } else {
        element.value = params.get(element.name);
      }
    }
  }
}

/** A form's named fields as an object (checkboxes as booleans, trimmed strings). */
export function values(form) {
  const result = {};
  for (const element of form.elements) {
    if (element.name) {
      result[element.name] = element.type === 'checkbox' ? element.checked : element.value.trim();
    }
  }
  return result;
}

/** An error as a line of text: `403: only team leaders …`. */
export function describe(error) {
  return error && error.code ? error.code + ': ' + error.message : String(error && error.message || error);
}

/** The longest display name the node accepts in a token. */
const NAME_MAX = 100;

/** A dev token from POST /api/auth/token (only while the server runs with dev tokens on). */
export async function devToken({ userId, name, role }) {
  const response = await fetch('/api/auth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // Named after the user id when no name is given, cut to the length a name may have (an id may be longer).
    body: JSON.stringify({ userId, name: name || userId.slice(0, NAME_MAX), role }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw Object.assign(new Error(body.error?.message || 'no token (HTTP ' + response.status + ')'), { code: response.status });
  }
  return body.token;
}

/** A REST call with the bearer token; rejects with {code, message} as the bridge does. */
export async function rest(method, path, token, body) {
  const response = await fetch(path, {
    method,
    headers: { authorization: 'Bearer ' + token, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw Object.assign(new Error(json.error?.message || 'HTTP ' + response.status), { code: response.status });
  }
  return json;
}

/**
 * A signed-in user of a page: a dev token (fetched again on every connect and after a 401) and a
 * skillbus client with it (more options of connect() in `options`). `?attempts=N` in the page's
 * URL sets the reconnect attempts.
 */
export class Visitor {
  constructor(identity, options = {}) {
    this.identity = identity;
    this.token = null;
    const attempts = Number(new URLSearchParams(location.search).get('attempts'));
    this.bus = connect({
      getToken: async () => (this.token = await devToken(identity)),
      reconnect: attempts > 0 ? { maxAttempts: attempts } : undefined,
      ...options,
    });
  }

  rest(method, path, body) {
    return rest(method, path, this.token, body);
  }

  close() {
    this.bus.close();
  }
}

const STATE_TEXT = {
  connecting: () => 'Connecting…',
  connected: () => 'Connected',
  reconnecting: (s) => 'Reconnecting' + (s.attempt ? ' (attempt ' + s.attempt + ')' : '') + '…',
  disconnected: () => 'Not connected',
  failed: (s) => 'Connection failed' + (s.reason ? ': ' + s.reason : ''),
  idle: () => 'Idle (connects when needed)',
};

/**
 * Keeps the status indicator (p#status) in step with a client; offers a retry once it failed. The
 * Retry button is one element that stays while the retry it started runs, so that it keeps the
 * keyboard focus; once connected it goes, and the focus it had goes to the status.
 */
export function showStatus(bus, node = document.getElementById('status')) {
  const text = el('span');
  const retry = el('button', { type: 'button', class: 'secondary' }, 'Retry');
  retry.addEventListener('click', () => bus.state === 'failed' && bus.open());
  node.setAttribute('tabindex', '-1');
  fill(node, text);
  const render = (s) => {
    node.dataset.state = s.state;
    fill(text, STATE_TEXT[s.state](s));
    if (s.state === 'failed') {
      retry.removeAttribute('aria-disabled');
      if (!node.contains(retry)) {
        node.append(retry); // appended again, it would lose the focus
      }
    } else if (node.contains(retry) && (s.state === 'connecting' || s.state === 'reconnecting')) {
      retry.setAttribute('aria-disabled', 'true');
    } else if (node.contains(retry)) {
      const focused = document.activeElement === retry;
      retry.remove();
      if (focused) {
        node.focus();
      }
    }
  };
  render({ state: bus.state });
  bus.on('state', render);
}

/** A toast in div#toasts: polite for info and success, assertive for warnings and errors. */
export function toast({ type = 'info', title, message }, timeoutMs = 8000) {
  const region = document.getElementById('toasts');
  const close = el('button', { type: 'button', class: 'secondary', 'aria-label': 'Dismiss' }, '×');
  const item = el('div', { class: 'toast ' + type, role: type === 'error' || type === 'warning' ? 'alert' : 'status' },
    el('p', {}, title ? el('strong', {}, title + ' ') : null, message), close);
  close.addEventListener('click', () => item.remove());
  region.append(item);
  setTimeout(() => item.remove(), timeoutMs);
  return item;
}

/** A time as the reader's clock shows it. */
export function clock(ts) {
  const date = ts ? new Date(ts) : new Date();
  return Number.isNaN(date.getTime()) ? String(ts) : date.toLocaleTimeString();
}

/** Keeps a scrolled list at its bottom when new lines come, unless the reader scrolled up. */
export function appendScrolled(list, item) {
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.append(item);
  if (atBottom) {
    list.scrollTop = list.scrollHeight;
  }
}

/**
 * Holds each field with a data-maxchars attribute to that many characters as the server counts them
 * (Unicode code points: an emoji is one), where maxlength would count UTF-16 units (an emoji is two)
 * and cut the longest allowed text of emoji in half.
 */
function limitChars() {
  document.addEventListener('input', (event) => {
    const field = event.target;
    const max = Number(field.dataset?.maxchars);
    if (!max || field.value.length <= max) {
      return;
    }
    const chars = [...field.value];
    if (chars.length > max) {
      field.value = chars.slice(0, max).join('');
    }
  });
}

siteNav();
limitChars();
