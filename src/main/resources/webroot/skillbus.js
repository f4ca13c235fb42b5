/**
 * skillbus.js — the browser client of skillbus, an ES module.
 *
 *   import { connect } from '/skillbus.js';
 *   const bus = connect({ url: 'https://skillbus.example', getToken: () => fetchToken() });
 *   bus.on('user-joined', (data, envelope) => console.log(data.name, 'joined', envelope.room));
 *   const { participants } = await bus.join('lesson-7');
 *   await bus.emit('session.message', { sessionId: 'lesson-7', text: 'hi' });
 *
 * It speaks the Vert.x event-bus bridge protocol over SockJS (or a plain WebSocket), sends the
 * bearer token on every frame, reconnects with exponential backoff and jitter (also when pings go
 * unanswered: a connection can die without a close), and after a reconnect registers its addresses
 * again and rejoins its rooms with `since`, so that every durable event (one with a `seq`) is
 * delivered once, in order, even across a gap (unless the page asks for events again: a join with
 * `since`, see join()). A notification that comes again (the
 * server delivers queued ones at least once) is dropped by its id, and so is the second copy of a
 * note or action item event that came both on `user.<id>` and in a session's room.
 */

/**
 * Default settings; the reconnect ones are the Socket.IO clients' (5 attempts, 20 s timeout), and a
 * connection counts as healthy once it stayed open `healthyAfterMs` (see Connection#onOpen).
 * `pongTimeoutMs`: how long a ping may go without any frame after it before the connection counts
 * as lost (see Connection#ping): three pings' worth, so that a busy server that answers late is not
 * taken for a dead one.
 * `rememberNotifications`: how many notification ids are kept to drop a repeat (see Repeats#repeatedNotification),
 * ten times the server's default inbox of 100 per user; as many note and item events are kept to
 * drop the second copy of each (see Repeats#secondCopy).
 */
export const DEFAULTS = Object.freeze({
  connectTimeoutMs: 20000,
  requestTimeoutMs: 30000,
  pingIntervalMs: 5000,
  pongTimeoutMs: 15000,
  rememberNotifications: 1000,
  reconnect: Object.freeze({ initialDelayMs: 1000, maxDelayMs: 5000, maxAttempts: 5, jitter: 0.5, healthyAfterMs: 5000 }),
});

/** Connection states, in the order a connection usually goes through them. */
export const STATES = Object.freeze(['connecting', 'connected', 'reconnecting', 'disconnected', 'failed', 'idle']);

/** A failed request: `code` is the server's failure code (400, 401, 403, 404, 409, 413, 429, 500, 503). */
export class SkillbusError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'SkillbusError';
    this.code = code;
  }
}

/** Opens a client and returns it at once; it connects in the background (see its state events). */
export function connect(options = {}) {
  const client = new SkillbusClient(options);
  client.open();
  return client;
}

/**
 * The delay before reconnect attempt `attempt` (1, 2, …): `initialDelayMs` doubled per attempt up to
 * `maxDelayMs`, spread by ±`jitter` (and kept under `maxDelayMs`) so that many clients do not come
 * back at the same moment.
 */
export function backoffDelay(attempt, settings = DEFAULTS.reconnect, random = Math.random) {
  const base = Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  const spread = 1 - settings.jitter + 2 * settings.jitter * random();
  return Math.min(settings.maxDelayMs, Math.max(0, Math.round(base * spread)));
}

/** The claims of a JWT (not verified: the server does that), or null. */
export function tokenClaims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(Array.from(atob(part.padEnd(part.length + (4 - part.length % 4) % 4, '=')),
      (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''));
    return JSON.parse(json);
  } catch (e) {
    return null;
  }
}

const CONNECTION_LOST = 503;
/**
 * The server closes a socket on which no frame carried a valid token in time with this code (raw
 * WebSocket), after an `err` frame with this body (SockJS reports every close by the server as 3000).
 */
const NO_TOKEN_CLOSE = 4001;
const NO_TOKEN_REASON = 'no_token';
/** The body of the `err` frame before the server closes a socket whose token expired (also 4001). */
const TOKEN_EXPIRED_REASON = 'token_expired';
/** The server's 401 for a token that expired: "invalid token: expired, or not valid yet (…)". */
const EXPIRED_REFUSAL = /\bexpired\b/;
/**
 * With getToken, a token is renewed before it expires, a fifth of its remaining time ahead (at most
 * a minute), and presented on a ping: a socket that only listens outlives its first token.
 */
const RENEW_AHEAD_MAX_MS = 60_000;
const RENEW_MIN_DELAY_MS = 1_000;
/** The longest delay setTimeout keeps (about 24.8 days): a longer one fires at once, so it is waited in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * A rejoin, or the register on the user's own address, refused with one of these is tried again
 * later: the server could not take it now.
 */
const RETRYABLE = new Set([429, 503]);
/**
 * Volatile room events that a join's reply may be older than (its participants' cursors and
 * activity): held while a join is on its way. Not a snapshot like `session_status`, which would
 * then arrive after the events that came after it.
 */
const HELD_WHILE_JOINING = new Set(['cursor-moved', 'user-activity-changed']);
const NOTIFICATION = 'notification';
/**
 * Coaching events the server sends to the agent's `user.<agentId>` and, for a note or item of a
 * session, to that session's room too: a connection on both gets each twice (see Repeats#secondCopy).
 */
const TWICE_SENT = new Set(['quickNote:created', 'quickNote:deleted', 'actionItem:created', 'actionItem:updated', 'actionItem:deleted']);
const ROOM_PREFIX = 'room.';
const REPLY_PREFIX = 'skillbus.reply.';
/** Where a ping asks for its pong: a reply address no request waits on, so Requests#onReply drops the pong. */
const PONG_ADDRESS = REPLY_PREFIX + 'pong';
const USER_PREFIX = 'user.';

/** Keeps `key` (with `value`) as the newest entry of `memory` (a Map), the oldest going beyond `limit`. */
function remember(memory, key, value, limit) {
  memory.delete(key);
  memory.set(key, value);
  if (memory.size > limit) {
    memory.delete(memory.keys().next().value);
  }
}

/**
 * One connection to skillbus. Create it with {@link connect}. It wires its parts together: the
 * connection (Connection), the token (Tokens), the requests (Requests), the rooms (Rooms, one Room
 * each), the listeners (Listeners) and what the server sends twice (Repeats).
 */
export class SkillbusClient {
  #options;
  #events = new Listeners();
  #repeats;
  #tokens;
  #requests;
  #rooms;
  #connection;

  /**
   * @param options.url       the server's base URL (default: this page's origin)
   * @param options.token     a JWT; or options.getToken: a function returning one (or a Promise of
   *                          one), called on every connect and again when the server answers 401
   * @param options.transport 'sockjs' (default) or 'websocket' (the bridge's raw WebSocket)
   * @param options.SockJS    the SockJS constructor (bundlers: `import SockJS from 'sockjs-client'`);
   *                          default: window.SockJS, else /vendor/sockjs.min.js from the server
   * @param options.receiveUser  register on `user.<your id>` (notifications); default true
   * @param options.reconnect {initialDelayMs, maxDelayMs, maxAttempts, jitter, healthyAfterMs}
   * @param options.connectTimeoutMs, options.requestTimeoutMs, options.pingIntervalMs, options.pongTimeoutMs
   * @param options.rememberNotifications  how many notification ids are kept to drop a repeat
   */
  constructor(options = {}) {
    this.#options = { ...DEFAULTS, receiveUser: true, transport: 'sockjs', ...options };
    const reconnect = { ...DEFAULTS.reconnect, ...(options.reconnect || {}) };
    this.#options.url = String(options.url || globalThis.location?.origin || '').replace(/\/+$/, '');
    if (!options.token && typeof options.getToken !== 'function') {
      throw new TypeError('connect() needs a token or a getToken function');
    }
    this.#wire(options.token || null, reconnect);
    queueMicrotask(() => this.#events.releaseStates());
  }

  /** Creates the parts, each given what it needs of the others (late: the connection comes last). */
  #wire(token, reconnect) {
    const write = (frame) => this.#connection.write(frame);
    const fire = (event, ...args) => this.#events.fire(event, ...args);
    const state = () => this.#connection.state;
    const socket = () => this.#connection.socket;
    this.#repeats = new Repeats(this.#options.rememberNotifications);
    this.#tokens = new Tokens(this.#options, token, reconnect,
      { write, fire, live: () => Boolean(socket()), fetched: () => this.#connection.checkUser(),
        expired: () => this.#connection.tokenExpired() });
    this.#requests = new Requests(this.#tokens, { state, write });
    this.#rooms = new Rooms(reconnect, {
      state, socket, write, fire, headers: () => this.#tokens.headers(), mayConnect: () => this.#mayConnect(),
      request: (address, body) => this.#request(address, body, this.#options.requestTimeoutMs, true),
      deliver: (envelope) => this.#deliver(envelope),
    });
    this.#connection = new Connection(this.#options, reconnect, this.#events, this.#tokens, {
      frame: (data) => this.#onFrame(data),
      rejoin: () => this.#rooms.rejoin(),
      rejoined: () => this.#requests.release(),
      dropped: () => this.#requests.hold(),
      nothingWaits: () => this.#rooms.size === 0 && this.#requests.idle,
      failPending: (reason) => this.#requests.failPending(reason),
      stopSyncing: () => this.#rooms.stop(),
      failWaiting: (error) => this.#failWaiting(error),
    });
  }

  /**
   * The connection state: connecting, connected, reconnecting, disconnected, failed or idle (closed
   * by the server while it had nothing to do; the next join or request connects again).
   */
  get state() {
    return this.#connection.state;
  }

  /** Who the token says this client is: {id, name, role}, once a token is known. */
  get user() {
    const claims = this.#tokens.claims;
    return claims ? { id: claims.sub, name: claims.name, role: claims.role } : null;
  }

  /** The rooms this client is in (or rejoins after a reconnect), with the last seq seen in each. */
  get rooms() {
    return this.#rooms.list();
  }

  // ---- listeners -------------------------------------------------------------------------------

  /**
   * Listens to a server event (`user-joined`, `message`, `notification`, …: fn(data, envelope)) or
   * to a client event: `state` ({state, attempt, delayMs}), one per state name, `error`
   * (a SkillbusError the server sent without a request to reject, but for a refusal the client tries
   * again: a rejoin's, or a register's on the user's address, refused 429 or 503), `reset` ({sessionId, reason}: a
   * room's history no longer covers what this client missed; reload that room's state).
   */
  on(event, fn) {
    this.#events.on(event, fn);
    return this;
  }

  /** Stops a listener given to {@link on} or {@link once}; without fn, every listener of the event. */
  off(event, fn) {
    this.#events.off(event, fn);
    return this;
  }

  once(event, fn) {
    return this.on(event, this.#events.onceWrapper(event, fn));
  }

  /** Listens to every server event: fn(eventName, data, envelope). */
  onAny(fn) {
    this.#events.onAny(fn);
    return this;
  }

  offAny(fn) {
    this.#events.offAny(fn);
    return this;
  }

  /** To the listeners, unless it is the second copy of a note or item event (see Repeats#secondCopy). */
  #deliver(envelope) {
    if (this.#repeats.secondCopy(envelope)) {
      return;
    }
    this.#events.deliver(envelope);
  }

  // ---- requests --------------------------------------------------------------------------------

  /**
   * Sends a request and resolves with the reply's body; rejects with a SkillbusError {code, message}.
   * While (re)connecting, requests wait and go out once the rooms are rejoined, so that they come
   * after the rejoin in the room's history. A request in flight
   * when the connection drops rejects with 503 ("maybe done": the server may have applied it).
   */
  emit(address, body = {}, { timeoutMs = this.#options.requestTimeoutMs } = {}) {
    return this.#request(address, body, timeoutMs, false);
  }

  /** A request; `now`: sent at once when connected, even while rooms are being rejoined (the rejoins themselves). */
  #request(address, body, timeoutMs, now) {
    if (!this.#mayConnect()) {
      return this.#notConnected();
    }
    this.#wake();
    return this.#requests.request(address, body, timeoutMs, now);
  }

  /** False after `failed` or {@link close}: nothing is sent until {@link open}. */
  #mayConnect() {
    return this.#connection.state !== 'failed' && this.#connection.state !== 'disconnected';
  }

  #notConnected() {
    return Promise.reject(new SkillbusError(CONNECTION_LOST, 'not connected (' + this.#connection.state + ')'));
  }

  /** Idle, a join or a request connects again (and waits for the connection, as while reconnecting). */
  #wake() {
    if (this.#connection.state === 'idle') {
      this.open();
    }
  }

  /** Sends without waiting for a reply (cursor, activity). Dropped while not connected, like a volatile emit. */
  send(address, body = {}) {
    if (this.#connection.state === 'connected') {
      this.#connection.write({ type: 'send', address, body, headers: this.#tokens.headers() });
    }
  }

  // ---- rooms -----------------------------------------------------------------------------------

  /**
   * Joins a session room: registers on `room.<id>`, sends `session.join` and resolves with its reply
   * ({sessionId, participants, seq, epoch, …}). From then on the room's events reach the listeners,
   * each durable one once and in seq order; those after the reply's seq that came before it reach
   * them before this resolves. `options.since` (e.g. 0) also delivers the room's history after that
   * seq first (every page of it: the reply's `missed` is the first, the rest comes from
   * `session.history` before this resolves), as a late joiner of a course generation wants, and on a
   * room already joined delivers those events again; `name`, `role` are passed on. A join() without since while a join of the
   * room is on its way sends nothing more and resolves with that join's reply. After a reconnect
   * the room is rejoined by itself. `cursor-moved` and `user-activity-changed` events that come while
   * a join is on its way reach the listeners just after it resolves (each member's latest of each
   * kind, in the order they came): they may be newer than the reply's participants (a participant
   * the page does not show yet), so a page that shows the reply's list applies them on top of it.
   */
  join(sessionId, options = {}) {
    if (!this.#mayConnect()) {
      return this.#notConnected();
    }
    this.#wake();
    return this.#rooms.join(sessionId, options);
  }

  /**
   * Leaves a session room and stops receiving its events. Not connected, it sends nothing and
   * resolves at once: the connection that was in the room closed, and that took it out of every
   * room. A join() of the room while its leave is on its way goes out once the leave is answered.
   */
  leave(sessionId) {
    return this.#rooms.leave(sessionId);
  }

  // ---- connection ------------------------------------------------------------------------------

  /**
   * Connects (called by {@link connect}); after `failed` or {@link close}, connects again, and while
   * reconnecting and waiting for the next attempt, at once. A connected client, and one with an
   * attempt under way (connecting, or reconnecting while it fetches the token, loads SockJS or opens
   * the socket), stays as it is: the requests and joins in flight get their replies, and there is
   * never a second socket.
   */
  open() {
    this.#connection.open();
  }

  /** Closes the connection for good: no reconnect; pending requests reject. */
  close() {
    this.#connection.close();
  }

  /**
   * Rejects the requests not sent yet and the joins waiting for an answer (see Requests#failWaiting
   * and Rooms#failWaiting).
   */
  #failWaiting(error) {
    this.#requests.failWaiting(error);
    this.#rooms.failWaiting(error);
  }

  #onFrame(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch (e) {
      return;
    }
    if (this.#requests.onReply(frame)) {
      return;
    }
    if (frame.type === 'rec' && frame.address?.startsWith(ROOM_PREFIX)) {
      this.#rooms.onEvent(frame.address.slice(ROOM_PREFIX.length), frame.body);
    } else if (frame.type === 'rec') {
      this.#onUserEvent(frame.body);
    } else if (frame.type === 'err') {
      this.#onRefused(frame);
    }
  }

  /** An event on `user.<id>`: delivered unless it is a notification delivered already (see Repeats#repeatedNotification). */
  #onUserEvent(envelope) {
    if (!this.#repeats.repeatedNotification(envelope)) {
      this.#deliver(envelope);
    }
  }

  /**
   * An error without a request: a refused register (on its address) or a refused frame; one that
   * says a fixed token expired fails the client (see Tokens#refusedAsExpired). A register that is
   * tried again (Tokens#retryRegister, Connection#retryUserRegister, Rooms#refused) says no error.
   */
  #onRefused(frame) {
    if (!frame.address && (frame.body === NO_TOKEN_REASON || frame.body === TOKEN_EXPIRED_REASON)) {
      this.#connection.toldWhy(frame.body); // the close that follows says what to do
      return;
    }
    const error = new SkillbusError(frame.failureCode, frame.message);
    error.address = frame.address || null;
    if (this.#tokens.refusedAsExpired(error) || this.#tokens.retryRegister(frame.address, error)
      || this.#connection.retryUserRegister(frame.address, error)) {
      return;
    }
    if (!this.#rooms.refused(frame.address, error)) {
      this.#events.fire('error', error);
    }
  }
}

/**
 * A client's listeners: of server events (by name, and onAny's of every one) and of its own events
 * (state, error, reset). A listener that throws is logged; the others are still called.
 */
class Listeners {
  #listeners = new Map();
  #anyListeners = new Set();
  // The state events of the turn that created the client, held until it ends (see #releaseStates); then null.
  #heldStates = [];
  /** State events being fired, and those a listener caused meanwhile: fired after them, in order. */
  #firingStates = null;

  on(event, fn) {
    if (!this.#listeners.has(event)) {
      this.#listeners.set(event, new Set());
    }
    this.#listeners.get(event).add(fn);
  }

  off(event, fn) {
    const listeners = this.#listeners.get(event);
    for (const listener of [...(listeners || [])]) {
      if (fn === undefined || listener === fn || listener.listener === fn) {
        listeners.delete(listener);
      }
    }
  }

  /** The listener that {@link SkillbusClient#once} adds: it removes itself, then calls fn. */
  onceWrapper(event, fn) {
    const wrapper = (...args) => {
      this.#listeners.get(event)?.delete(wrapper);
      fn(...args);
    };
    wrapper.listener = fn;
    return wrapper;
  }

  onAny(fn) {
    this.#anyListeners.add(fn);
  }

  offAny(fn) {
    this.#anyListeners.delete(fn);
  }

  fire(event, ...args) {
    for (const fn of [...(this.#listeners.get(event) || [])]) {
      try {
        fn(...args);
      } catch (e) {
        console.error('skillbus: a listener of', event, 'threw', e);
      }
    }
  }

  /** A server event: to the listeners of its name, then to every onAny listener. */
  deliver(envelope) {
    this.fire(envelope.event, envelope.data, envelope);
    for (const fn of [...this.#anyListeners]) {
      try {
        fn(envelope.event, envelope.data, envelope);
      } catch (e) {
        console.error('skillbus: an onAny listener threw', e);
      }
    }
  }

  /** A state change ({state, attempt, …}): `state` and the state's own event. */
  state(info) {
    if (this.#heldStates) {
      this.#heldStates.push(info);
    } else if (this.#firingStates) {
      this.#firingStates.push(info); // a listener changed the state: after every listener of this one
    } else {
      this.#firingStates = [info];
      while (this.#firingStates.length > 0) {
        this.#fireState(this.#firingStates.shift());
      }
      this.#firingStates = null;
    }
  }

  #fireState(info) {
    this.fire('state', info);
    this.fire(info.state, info);
  }

  /**
   * Fires the state events held since the client was created, once the turn that created it is
   * over: `connect()` is already connecting when it returns, and the `on('state')` that follows it
   * is to hear that. Those a listener causes meanwhile come after them, in order.
   */
  releaseStates() {
    const held = this.#heldStates;
    while (held.length > 0) {
      this.#fireState(held.shift());
    }
    this.#heldStates = null;
  }
}

/** What the server sends twice, to be delivered once: a notification again, a note or item event on two addresses. */
class Repeats {
  #limit;
  // The ids of the notifications delivered, oldest first, at most options.rememberNotifications.
  #notificationIds = new Map();
  // Note and item events delivered (see #secondCopy), oldest first, at most options.rememberNotifications:
  // each one's key, and the ways it came: with a seq (from a room), without (from user.<id>).
  #twiceSent = new Map();

  constructor(limit) {
    this.#limit = limit;
  }

  /**
   * True for the second copy of a note or item event: the agent's connection in the session's room
   * gets it once on `user.<agentId>` (without a seq) and once in the room (with one), whichever
   * comes first. Only the first to come the other way is that copy: the same event again the same
   * way (a room's history read again with since) is delivered.
   */
  secondCopy(envelope) {
    const data = envelope.data;
    if (!TWICE_SENT.has(envelope.event) || typeof data?.id !== 'string') {
      return false;
    }
    const key = [envelope.event, data.id, data.status ?? '', data.updatedAt ?? ''].join('\u0000');
    const way = typeof envelope.seq === 'number' ? 'room' : 'user';
    const ways = this.#twiceSent.get(key) || new Set();
    const copy = ways.size > 0 && !ways.has(way);
    ways.add(way);
    remember(this.#twiceSent, key, ways, this.#limit);
    return copy;
  }

  /**
   * The server delivers a queued notification at least once (a batch whose acknowledgement was lost
   * is handed out again, on this connection or the next): one whose id was delivered already is
   * dropped (true here; the id of one that is not is remembered). A notification without an id is
   * delivered as it comes.
   */
  repeatedNotification(envelope) {
    const id = envelope?.event === NOTIFICATION && typeof envelope.data?.id === 'string' ? envelope.data.id : null;
    if (id !== null) {
      if (this.#notificationIds.has(id)) {
        return true;
      }
      remember(this.#notificationIds, id, true, this.#limit);
    }
    return false;
  }
}

/**
 * The socket of a client and its life: the connection state, connecting (the token and SockJS
 * included), reconnecting with backoff, pings (and a connection lost without a close), going idle
 * or failed (a fixed token that expired included). What waits on the connection
 * (requests, rooms) is the host's: `host` is {frame(data), rejoin(): the rejoins' promises,
 * rejoined(), dropped(), nothingWaits(), failPending(reason), stopSyncing(), failWaiting(error)}.
 */
class Connection {
  #options;
  #reconnect;
  #events;
  #tokens;
  #host;
  #socket = null;
  #state = 'disconnected';
  #attempt = 0;
  #timers = { ping: null, pong: null, connect: null, retry: null, healthy: null, userRegister: null };
  #closedByUser = false;
  // The connection attempt under way (from the start of #openSocket until it opens or fails), or
  // null: an attempt that finds itself superseded after its waits (token, SockJS) gives up.
  #opening = null;
  #everConnected = false;
  // The user whose token the open socket was opened with: the server refuses another user's on it.
  #socketUser = null;
  // Why the server said it closes this socket (NO_TOKEN_REASON or TOKEN_EXPIRED_REASON), or null (see #onClose).
  #toldWhy = null;
  // When the first ping that no frame has followed yet went out (Date.now()), or null (see #ping).
  #unansweredPingAt = null;
  // Whether the server answered a ping on this socket: one that never does (a node from before pongs)
  // is not watched, or every quiet connection to it would be taken for a dead one.
  #pongSeen = false;
  // Refusals in a row (429, 503) of the register on the user's address on this socket: its backoff attempt.
  #userRefusals = 0;

  constructor(options, reconnect, events, tokens, host) {
    this.#options = options;
    this.#reconnect = reconnect;
    this.#events = events;
    this.#tokens = tokens;
    this.#host = host;
  }

  get state() {
    return this.#state;
  }

  /** The open socket, or null. */
  get socket() {
    return this.#socket;
  }

  /** See {@link SkillbusClient#open}. */
  open() {
    if (this.#state === 'connected' || this.#opening) {
      return;
    }
    this.#closedByUser = false;
    this.#attempt = 0;
    clearTimeout(this.#timers.retry);
    this.#dropSocket();
    this.#openSocket();
  }

  /** See {@link SkillbusClient#close}. */
  close() {
    this.#closedByUser = true;
    this.#opening = null;
    clearTimeout(this.#timers.retry);
    this.#dropSocket();
    this.#host.failPending('closed by the client');
    this.#host.failWaiting(connectionLost('closed by the client'));
    this.#setState('disconnected', { reason: 'closed by the client' });
  }

  write(frame) {
    if (this.#socket && this.#state === 'connected') {
      this.#socket.send(JSON.stringify(frame));
    }
  }

  /** The server said why it closes this socket (NO_TOKEN_REASON or TOKEN_EXPIRED_REASON): see #onClose. */
  toldWhy(reason) {
    this.#toldWhy = reason;
  }

  /**
   * The server refused the fixed token as expired (a register or a request answered 401, see
   * Tokens#refusedAsExpired): every later frame would be refused too, so the client fails as when
   * the server closes the socket for it.
   */
  tokenExpired() {
    this.#dropSocket();
    this.#host.failPending('the token expired');
    this.#host.stopSyncing();
    this.#failExpired('refused by the server: the token expired');
  }

  /** A new token came: one of another user than the open socket's connects again (see #reconnectAsNewUser). */
  checkUser() {
    const user = this.#tokens.claims?.sub;
    if (this.#state === 'connected' && user && user !== this.#socketUser) {
      this.#reconnectAsNewUser();
    }
  }

  #setState(state, detail = {}) {
    this.#state = state;
    this.#events.state({ state, attempt: this.#attempt, ...detail });
  }

  async #openSocket() {
    const attempt = {};
    this.#opening = attempt;
    this.#setState(this.#everConnected ? 'reconnecting' : 'connecting');
    clearTimeout(this.#timers.connect);
    // The whole attempt, the token and SockJS included: a getToken that never answers must not hold it.
    this.#timers.connect = setTimeout(() => this.#connectTimedOut(attempt), this.#options.connectTimeoutMs);
    let socket;
    try {
      if (this.#tokens.renewable) {
        await this.#tokens.refresh();
      } else {
        // An expired one is tried all the same: the server's clock, not the browser's, says whether
        // it expired, and its refusal fails the client (see Tokens#refusedAsExpired).
        this.#tokens.readFixed();
      }
      socket = await this.#createSocket();
    } catch (error) {
      if (this.#opening === attempt) {
        this.#scheduleReconnect(String(error && error.message || error));
      }
      return;
    }
    if (this.#opening !== attempt) {
      // close() came meanwhile (and perhaps open(), whose attempt owns the connection now).
      socket.close();
      return;
    }
    this.#attach(socket);
  }

  /** The attempt's socket is the client's: its frames and its end are handled (as long as it is the client's). */
  #attach(socket) {
    this.#socket = socket;
    socket.onopen = () => this.#onOpen(socket);
    socket.onmessage = (e) => {
      if (socket === this.#socket) {
        this.#unansweredPingAt = null; // any frame shows the connection alive, not only a pong
        this.#pongSeen ||= typeof e.data === 'string' && e.data.includes(PONG_ADDRESS);
        this.#host.frame(e.data);
      }
    };
    socket.onclose = (e) => socket === this.#socket && this.#onClose(e);
  }

  #connectTimedOut(attempt) {
    if (this.#opening !== attempt) {
      return;
    }
    this.#tokens.forgetRefresh(); // the next attempt asks getToken again
    this.#dropSocket();
    this.#scheduleReconnect('no connection within ' + this.#options.connectTimeoutMs + ' ms');
  }

  async #createSocket() {
    const url = this.#options.url;
    if (this.#options.transport === 'websocket') {
      return new WebSocket(url.replace(/^http/, 'ws') + '/eventbus/websocket');
    }
    const SockJS = this.#options.SockJS || globalThis.SockJS || await loadSockJS(url);
    return new SockJS(url + '/eventbus');
  }

  async #onOpen(socket) {
    if (socket !== this.#socket) {
      return;
    }
    clearTimeout(this.#timers.connect);
    this.#opening = null;
    // Opening proves little (a server may accept a socket and close it at once): the attempts count
    // from 1 again only once this one stayed open a while; closed before, it was a failed attempt.
    this.#timers.healthy = setTimeout(() => (this.#attempt = 0), this.#reconnect.healthyAfterMs);
    this.#everConnected = true;
    this.#socketUser = this.#tokens.claims?.sub;
    this.#timers.ping = setInterval(() => this.#ping(), this.#options.pingIntervalMs);
    this.#tokens.scheduleRenewal();
    this.#state = 'connected';
    this.#userRefusals = 0;
    this.#registerUser();
    // A first ping at once: its pong shows that this server answers pings (see #ping), so that the
    // connection is watched from its first round trip on rather than from the first interval's end.
    this.#ping();
    // Rooms first (a rejoin tried again later included), then whatever waited: a queued request may
    // need its room joined again.
    const rejoins = this.#host.rejoin();
    this.#setState('connected');
    await Promise.allSettled(rejoins);
    if (socket === this.#socket && this.#state === 'connected') {
      this.#host.rejoined();
    }
  }

  /**
   * Pings, asking for a pong. A ping that no frame at all follows within pongTimeoutMs means the
   * network path or the node died without closing the socket (a frozen node, a path that silently
   * stopped): the connection is lost, and reconnects as after any close. Any frame counts, not only
   * the pong: a busy server may answer late, but it is alive. One timer watches the first ping not
   * followed yet, so the pongs need no handler. Only once the server answered a ping on this socket:
   * one that answers none (a node from before pongs, in a rolling update) is not taken for dead.
   */
  #ping() {
    if (this.#unansweredPingAt === null) {
      this.#unansweredPingAt = Date.now();
    }
    if (!this.#timers.pong) {
      this.#timers.pong = setTimeout(() => this.#checkPong(), this.#options.pongTimeoutMs);
    }
    this.write({ type: 'ping', replyAddress: PONG_ADDRESS });
  }

  /** The pong timer is due: lost if the first unanswered ping is pongTimeoutMs old, else watched until it is. */
  #checkPong() {
    this.#timers.pong = null;
    if (this.#unansweredPingAt === null) {
      return; // answered: the next ping watches again
    }
    if (!this.#pongSeen) {
      this.#unansweredPingAt = null; // a server that answers no ping: not watched
      return;
    }
    const leftMs = this.#unansweredPingAt + this.#options.pongTimeoutMs - Date.now();
    if (leftMs > 0) {
      this.#timers.pong = setTimeout(() => this.#checkPong(), leftMs);
    } else {
      this.#onClose(null, 'no frame within ' + this.#options.pongTimeoutMs + ' ms of a ping');
    }
  }

  /** With receiveUser, registers on the user's own address (`user.<id>`: notifications). */
  #registerUser() {
    const address = this.#userAddress();
    if (address) {
      this.write({ type: 'register', address, headers: this.#tokens.headers() });
    }
  }

  /** The user's own address that #registerUser registers on, or null (no receiveUser, or no token yet). */
  #userAddress() {
    const user = this.#tokens.claims?.sub;
    return this.#options.receiveUser && user ? USER_PREFIX + user : null;
  }

  /**
   * The server refused the register on the user's own address with a code it says to try again
   * later (429: too many frames at once after a reconnect; 503): without it no notification would
   * come on this socket. It is sent again after the reconnect backoff, longer for each refusal in a
   * row, on this socket only: a socket that drops meanwhile takes the retry with it (#dropSocket),
   * and the next one registers as it opens. True when it will be; any other refusal is the caller's.
   */
  retryUserRegister(address, error) {
    const socket = this.#socket;
    if (!socket || !address || address !== this.#userAddress() || !RETRYABLE.has(error.code)) {
      return false;
    }
    this.#userRefusals += 1;
    clearTimeout(this.#timers.userRegister);
    this.#timers.userRegister = setTimeout(() => socket === this.#socket && this.#registerUser(),
      backoffDelay(this.#userRefusals, this.#reconnect));
    return true;
  }

  /**
   * A socket the server closed because no frame on it carried a token (a client without
   * receiveUser that joined nothing) would only be closed again: with no room and no request
   * waiting, the client goes idle instead of reconnecting. One closed because its token expired
   * reconnects with a new token from getToken; with a fixed token it cannot, and fails. `reason`:
   * the reconnecting state's, when no close event says it.
   */
  #onClose(event, reason = 'closed (' + (event && event.code) + ')') {
    const expired = this.#toldWhy === TOKEN_EXPIRED_REASON;
    const nothingWaits = this.#host.nothingWaits();
    // Expired, a client registered on its user address still has notifications to receive.
    const idle = nothingWaits && (expired ? !this.#options.receiveUser
      : event?.code === NO_TOKEN_CLOSE || this.#toldWhy === NO_TOKEN_REASON);
    this.#dropSocket();
    this.#host.failPending('connection lost before the reply');
    this.#host.stopSyncing();
    if (idle) {
      this.#setState('idle', { reason: 'closed by the server: ' + (expired ? 'the token expired' : 'no token presented') + ' (' + NO_TOKEN_CLOSE + ')' });
    } else if (expired && !this.#tokens.renewable) {
      this.#failExpired('closed by the server: the token expired');
    } else if (!this.#closedByUser) {
      this.#scheduleReconnect(reason);
    }
  }

  /**
   * The fixed token expired: no attempt can succeed, so the client fails (until open()), its waiting
   * joins and requests rejected with 401. Its joined rooms stay, to be joined again after open().
   */
  #failExpired(reason) {
    this.#host.failWaiting(new SkillbusError(401, 'the token expired: connect again with a new one'));
    this.#setState('failed', { reason });
  }

  /**
   * getToken gave a token for another user (the app signed out and in): the server refuses it on
   * the socket of the first, which still receives that user's notifications. Connects again at once,
   * as the new user, and rejoins the rooms as after any reconnect.
   */
  #reconnectAsNewUser() {
    this.#dropSocket();
    this.#host.failPending('closed to connect again as ' + this.#tokens.claims.sub);
    this.#host.stopSyncing();
    this.#attempt = 0;
    this.#openSocket();
  }

  #scheduleReconnect(reason) {
    if (this.#closedByUser) {
      return;
    }
    this.#opening = null;
    clearTimeout(this.#timers.connect);
    this.#attempt += 1;
    if (this.#attempt > this.#reconnect.maxAttempts) {
      const error = connectionLost('gave up after ' + this.#reconnect.maxAttempts + ' attempts to reconnect');
      this.#host.failPending(error.message);
      this.#host.failWaiting(error);
      this.#setState('failed', { reason });
      return;
    }
    const delayMs = backoffDelay(this.#attempt, this.#reconnect);
    this.#setState('reconnecting', { delayMs, reason });
    this.#timers.retry = setTimeout(() => this.#openSocket(), delayMs);
  }

  #dropSocket() {
    this.#host.dropped();
    this.#tokens.socketDropped();
    this.#toldWhy = null;
    clearTimeout(this.#timers.connect);
    clearTimeout(this.#timers.healthy);
    clearTimeout(this.#timers.userRegister);
    clearInterval(this.#timers.ping);
    clearTimeout(this.#timers.pong);
    this.#timers.pong = null;
    this.#unansweredPingAt = null;
    this.#pongSeen = false;
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = null;
      try {
        socket.close();
      } catch (e) {
        // already closed
      }
    }
  }
}

/**
 * The client's token: the one given, or getToken's, fetched one call at a time; with getToken,
 * renewed before it expires and presented on a ping, and fetched again for a register refused with
 * 401. `link` is {write(frame), fire(event, ...args), live(): a socket is open, fetched(): a new
 * token is in use, expired(): the fixed token was refused as expired}.
 */
class Tokens {
  #options;
  #reconnect;
  #link;
  #token;
  #claims = null;
  #refresh = null;
  #fetches = 0;
  // Renewals in a row that brought no later expiry: the next one waits the reconnect backoff for that many.
  #fruitlessRenewals = 0;
  #renewal = null;
  // Registers refused with 401, by address and token: each is retried with a new token once.
  #refusedRegisters = new Set();

  constructor(options, token, reconnect, link) {
    this.#options = options;
    this.#token = token;
    this.#reconnect = reconnect;
    this.#link = link;
  }

  /** The claims of the token in use (see tokenClaims), or null. */
  get claims() {
    return this.#claims;
  }

  /** With getToken: a token can be fetched again. */
  get renewable() {
    return typeof this.#options.getToken === 'function';
  }

  headers() {
    return { authorization: 'Bearer ' + this.#token };
  }

  /** Without getToken: the claims of the token given. */
  readFixed() {
    this.#claims = tokenClaims(this.#token);
  }

  /**
   * Without getToken, a 401 that says the token expired (by the server's clock, which is the one
   * that counts): the client fails (link.expired()), and true is returned. With getToken, a new
   * token answers it (see retryRegister, Requests#retryWithNewToken).
   */
  refusedAsExpired(error) {
    if (this.renewable || error.code !== 401 || !EXPIRED_REFUSAL.test(error.message)) {
      return false;
    }
    this.#link.expired();
    return true;
  }

  /**
   * With getToken and a token that expires, renews it before it does (see RENEW_AHEAD_MAX_MS); after
   * a renewal that brought no later expiry, not sooner than the reconnect backoff says.
   */
  scheduleRenewal() {
    clearTimeout(this.#renewal);
    const left = typeof this.#claims?.exp === 'number' ? this.#claims.exp * 1000 - Date.now() : NaN;
    if (!this.renewable || !(left > 0)) {
      return;
    }
    const dueMs = left - Math.min(RENEW_AHEAD_MAX_MS, left / 5);
    if (dueMs > MAX_TIMER_MS) {
      this.#renewal = setTimeout(() => this.scheduleRenewal(), MAX_TIMER_MS);
      return;
    }
    const backoffMs = this.#fruitlessRenewals > 0 ? backoffDelay(this.#fruitlessRenewals, this.#reconnect) : 0;
    this.#renewal = setTimeout(() => this.#renew(), Math.max(RENEW_MIN_DELAY_MS, dueMs, backoffMs));
  }

  /** Fetches a token and presents it on a ping, then schedules the next renewal. */
  async #renew() {
    const before = this.#claims?.exp;
    try {
      await this.refresh();
      this.#refusedRegisters.clear(); // a new validity period: a register refused later may be retried again
      this.#link.write({ type: 'ping', headers: this.headers() });
    } catch (e) {
      this.#link.fire('error', new SkillbusError(401, 'token refresh failed: ' + e));
    }
    this.#fruitlessRenewals = this.#claims?.exp > before ? 0 : this.#fruitlessRenewals + 1;
    if (this.#link.live()) {
      this.scheduleRenewal();
    }
  }

  /**
   * One getToken call at a time, shared by whoever needs a token meanwhile. A token that comes after
   * a later call's (one a timed-out connect attempt gave up waiting for) is not used.
   */
  refresh() {
    if (!this.#refresh) {
      const fetch = ++this.#fetches;
      const refresh = Promise.resolve().then(() => this.#options.getToken()).then((token) => {
        if (fetch === this.#fetches) {
          this.#token = token;
          this.#claims = tokenClaims(token);
          this.#link.fetched();
        }
      }).finally(() => {
        if (this.#refresh === refresh) {
          this.#refresh = null;
        }
      });
      this.#refresh = refresh;
    }
    return this.#refresh;
  }

  /** The next refresh() calls getToken again, even while a call is under way (a connect attempt gave up on it). */
  forgetRefresh() {
    this.#refresh = null;
  }

  /** The socket is gone: no renewal until the next one opens, and a register refused on it may be retried again. */
  socketDropped() {
    this.#refusedRegisters.clear();
    clearTimeout(this.#renewal);
  }

  /**
   * A register refused with 401 (`error`) is sent again with a new token, and true is returned.
   * Once per address until the socket drops or a scheduled renewal brings a new token: a token the
   * server keeps refusing is not fetched again and again (an auth server hands out a new string
   * each time), and the refusal of the retry reaches the app.
   */
  retryRegister(address, error) {
    if (error.code !== 401 || !this.renewable || !address || this.#refusedRegisters.has(address)) {
      return false;
    }
    this.#refusedRegisters.add(address);
    this.refresh().then(() => this.#link.write({ type: 'register', address, headers: this.headers() }),
      () => this.#link.fire('error', error));
    return true;
  }
}

/**
 * The requests of a client, each waiting for its reply until its timeout: queued while the client
 * is not connected or its rooms are not rejoined yet, and one refused with 401 sent once more with
 * a new token. `link` is {state(): the connection state, write(frame)}.
 */
class Requests {
  #tokens;
  #link;
  #pending = new Map();
  #queue = [];
  // Requests refused with 401, waiting for a new token to be sent again.
  #awaitingToken = new Set();
  #replyCounter = 0;
  // The rooms are rejoined on this socket: requests go out (see #sendOrQueue).
  #rejoined = false;

  constructor(tokens, link) {
    this.#tokens = tokens;
    this.#link = link;
  }

  /** No request waits: none queued, none waiting for its reply. */
  get idle() {
    return this.#queue.length === 0 && this.#pending.size === 0;
  }

  /** A request; `now`: sent at once when connected, even while rooms are being rejoined (the rejoins themselves). */
  request(address, body, timeoutMs, now) {
    return new Promise((resolve, reject) => {
      const request = { address, body, resolve, reject, now, retried: false, timer: null };
      request.timer = setTimeout(() => this.#settle(request, new SkillbusError(CONNECTION_LOST,
        'no reply from ' + address + ' within ' + timeoutMs + ' ms')), timeoutMs);
      this.#sendOrQueue(request);
    });
  }

  /** The socket dropped: requests wait for the rooms to be rejoined on the next one. */
  hold() {
    this.#rejoined = false;
  }

  /** The rooms are rejoined: the queued requests go out, and those that come go out at once. */
  release() {
    this.#rejoined = true;
    this.#queue.splice(0).forEach((request) => this.#sendRequest(request));
  }

  #sendOrQueue(request) {
    if (this.#link.state() === 'connected' && (request.now || this.#rejoined)) {
      this.#sendRequest(request);
    } else {
      this.#queue.push(request);
    }
  }

  #sendRequest(request) {
    const replyAddress = REPLY_PREFIX + (++this.#replyCounter) + '.' + Math.random().toString(36).slice(2, 8);
    request.replyAddress = replyAddress;
    this.#pending.set(replyAddress, request);
    this.#link.write({ type: 'send', address: request.address, body: request.body, replyAddress, headers: this.#tokens.headers() });
  }

  /** Settles the request a frame answers; true for every frame on a reply address (whether a request waits or not). */
  onReply(frame) {
    const request = frame.address && this.#pending.get(frame.address);
    if (request && frame.type === 'rec') {
      this.#settle(request, null, frame.body);
    } else if (request && frame.type === 'err') {
      const error = new SkillbusError(frame.failureCode, frame.message);
      if (error.code === 401) {
        this.#retryWithNewToken(request, error);
      } else {
        this.#settle(request, error);
      }
    } else {
      // A reply to a request no longer waiting for it (it timed out), or a pong (see Connection#ping):
      // neither an event nor an error.
      return Boolean(frame.address?.startsWith(REPLY_PREFIX));
    }
    return true;
  }

  #settle(request, error, body) {
    if (request.settled) {
      return;
    }
    request.settled = true;
    clearTimeout(request.timer);
    this.#awaitingToken.delete(request);
    this.#pending.delete(request.replyAddress);
    const queued = this.#queue.indexOf(request);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
    }
    if (error) {
      request.reject(error);
    } else {
      request.resolve(body);
    }
  }

  /**
   * A request refused with 401 is sent once more with a fresh token from getToken. Without getToken
   * it rejects, and a fixed token that expired fails the client (after this request is settled:
   * failing rejects the others).
   */
  #retryWithNewToken(request, error) {
    if (request.retried || !this.#tokens.renewable) {
      this.#settle(request, error);
      this.#tokens.refusedAsExpired(error);
      return;
    }
    request.retried = true;
    this.#pending.delete(request.replyAddress);
    this.#awaitingToken.add(request);
    this.#tokens.refresh().then(() => {
      // Not if it timed out or close() came meanwhile: the app was told, and may have sent it again.
      if (!request.settled) {
        this.#awaitingToken.delete(request);
        this.#sendOrQueue(request);
      }
    }, (e) => this.#settle(request, new SkillbusError(401, 'token refresh failed: ' + e)));
  }

  /** Rejects the requests not sent yet: those queued and those waiting for a new token. */
  failWaiting(error) {
    [...this.#queue.splice(0), ...this.#awaitingToken].forEach((r) => this.#settle(r, error));
  }

  /** Rejects the requests waiting for their reply: the connection that was to bring it is gone. */
  failPending(reason) {
    for (const request of [...this.#pending.values()]) {
      this.#settle(request, connectionLost(reason));
    }
  }
}

/**
 * The rooms of a client and their joins and leaves: a join at a time per room, again after a
 * reconnect, and again after the backoff when the server could not take one now. `link` is
 * {state(), mayConnect(), socket(), write(frame), headers(), request(address, body): sent at once,
 * deliver(envelope), fire(event, ...args)}.
 */
class Rooms {
  #reconnect;
  #link;
  // What each Room needs of the rest: the link, and whether it is still this client's.
  #roomLink;
  #rooms = new Map();
  // The leaves on their way, by room: the room's events are no longer delivered, and a join() of it waits.
  #leaving = new Map();

  constructor(reconnect, link) {
    this.#reconnect = reconnect;
    this.#link = link;
    this.#roomLink = { ...link, isCurrent: (room) => this.#isCurrent(room), synced: (room) => this.#joinWhenSynced(room) };
  }

  get size() {
    return this.#rooms.size;
  }

  /** See {@link SkillbusClient#rooms}. */
  list() {
    return [...this.#rooms.values()].map((r) => ({ sessionId: r.id, lastSeq: r.lastSeq, epoch: r.epoch }));
  }

  #isCurrent(room) {
    return this.#rooms.get(room.id) === room;
  }

  /** See {@link SkillbusClient#join}. */
  join(sessionId, options) {
    const { since, epoch, ...joinOptions } = options;
    let room = this.#rooms.get(sessionId);
    if (!room) {
      room = new Room(sessionId, this.#roomLink);
      this.#rooms.set(sessionId, room);
    }
    room.options = joinOptions;
    if (since !== undefined && since !== null) {
      // Taken when this join goes out: a gap fill under way would move lastSeq on meanwhile.
      room.since = { seq: since, epoch: epoch || null };
    }
    const ready = new Promise((resolve, reject) => room.waiters.push({ resolve, reject }));
    if (this.#link.state() === 'connected' && !room.syncing && !this.#leaving.has(sessionId)) {
      this.#joinRoom(room);
    }
    return ready;
  }

  /** See {@link SkillbusClient#leave}. */
  leave(sessionId) {
    const room = this.#rooms.get(sessionId);
    if (room) {
      this.#forget(room).forEach((w) => w.reject(new SkillbusError(409, 'left ' + sessionId + ' while joining it')));
    }
    if (this.#leaving.has(sessionId)) {
      return this.#leaving.get(sessionId);
    }
    if (this.#link.state() !== 'connected') {
      return Promise.resolve({ sessionId });
    }
    return this.#sendLeave(sessionId);
  }

  /**
   * Unregisters, then sends `session.leave`: the server handles the frames in order, so the leave's
   * reply comes after every event it sent this socket on the room, and those are dropped until then.
   */
  #sendLeave(sessionId) {
    this.#link.write({ type: 'unregister', address: ROOM_PREFIX + sessionId, headers: this.#link.headers() });
    const leaving = this.#link.request('session.leave', { sessionId }).finally(() => {
      this.#leaving.delete(sessionId);
      const room = this.#rooms.get(sessionId);
      if (room) {
        this.#joinWhenSynced(room); // a join() made while the leave was on its way: after it, not before
      }
    });
    this.#leaving.set(sessionId, leaving);
    return leaving;
  }

  /** A new socket is open: joins every room again (those being left excepted); their promises. */
  rejoin() {
    return [...this.#rooms.values()].filter((room) => !this.#leaving.has(room.id)).map((room) => this.#joinRoom(room));
  }

  async #joinRoom(room) {
    const run = room.beginJoin();
    this.#link.write({ type: 'register', address: ROOM_PREFIX + room.id, headers: this.#link.headers() });
    const body = room.joinBody();
    try {
      const reply = await this.#link.request('session.join', body);
      if (!this.#isCurrent(room)) {
        return;
      }
      if (room.registerRefused) {
        throw room.registerRefused; // in the room, but its events would not come: see refused()
      }
      room.retries = 0;
      if (!(await room.applyJoin(reply))) {
        return; // the connection dropped while the pages were read: the rejoin after the reconnect answers the waiters
      }
      if (room.since) {
        // A join with since came while this one was on its way: its own join answers every waiter.
        this.#joinWhenSynced(room);
        return;
      }
      room.waiters.splice(0).forEach((w) => w.resolve(reply));
    } catch (error) {
      await this.#joinFailed(room, error);
    } finally {
      room.endJoin(run);
    }
  }

  /**
   * A join refused or not answered. A rejoin the server could not take now (a node just failed, say,
   * or too many at once) is tried again later; any other is out of the room, now and after a reconnect.
   */
  async #joinFailed(room, error) {
    const current = this.#isCurrent(room);
    if (current && this.#link.state() === 'connected' && room.joined && RETRYABLE.has(error.code)
      && (room.retries = (room.retries || 0) + 1) <= this.#reconnect.maxAttempts) {
      await this.#retryJoin(room);
      return;
    }
    room.syncing = false;
    if (error.connectionLost || this.#link.state() === 'failed') {
      // Joined again after the reconnect (the waiters wait for that), or after open(): the client
      // failed, and its failWaiting answered the waiters and kept a joined room.
      return;
    }
    if (current) {
      this.#dropRoom(room, error); // refused (400, 403, …) or unanswered: not joined, now or after a reconnect
    } else {
      room.waiters.splice(0).forEach((w) => w.reject(error));
    }
  }

  /**
   * Out of a room whose join failed: forgotten, left on the server too (a join that went unanswered
   * may have been applied there), its waiters rejected. A rejoin after a reconnect has no caller
   * waiting: the page learns it is out of the room from an `error` with the room's sessionId.
   */
  #dropRoom(room, error) {
    const waiters = this.#forget(room);
    if (this.#link.state() === 'connected' && !this.#leaving.has(room.id)) {
      this.#sendLeave(room.id).catch(() => {});
    }
    error.sessionId = room.id;
    if (room.joined) {
      this.#link.fire('error', error);
    }
    waiters.forEach((w) => w.reject(error));
  }

  /** No longer the client's room, nor waiting to be joined again; answers its join() calls still waiting, for the caller to reject. */
  #forget(room) {
    this.#rooms.delete(room.id);
    room.endRetryWait?.();
    return room.waiters.splice(0);
  }

  /**
   * A register the server refused (`error`): a room's events would never come (a 429 at the
   * handler limit, say), so its join fails. A rejoin's refused with 429 or 503 (too many frames at
   * once after a reconnect) fails its join once that is answered, which then is tried again, register
   * and all, like a join refused so (see #joinFailed): the server handles frames in order, so the
   * join's answer comes after this. False when `address` is no room of this client's.
   */
  refused(address, error) {
    const room = address?.startsWith(ROOM_PREFIX) && this.#rooms.get(address.slice(ROOM_PREFIX.length));
    if (!room) {
      return false;
    }
    if (room.joined && room.syncing && RETRYABLE.has(error.code)) {
      room.registerRefused = error;
    } else {
      this.#dropRoom(room, error);
    }
    return true;
  }

  /**
   * Joins again after the backoff, unless the connection dropped or the room was left meanwhile (they
   * end the wait early: room.endRetryWait). Meanwhile the room still holds its live events back, as
   * while joining: history the server still has fills what they skip, not a gap fill it would refuse.
   */
  async #retryJoin(room) {
    const socket = this.#link.socket();
    await new Promise((resolve) => {
      const timer = setTimeout(() => room.endRetryWait(), backoffDelay(room.retries, this.#reconnect));
      room.endRetryWait = () => {
        clearTimeout(timer);
        room.endRetryWait = null;
        resolve();
      };
    });
    if (this.#link.socket() === socket && this.#isCurrent(room)) {
      await this.#joinRoom(room);
    }
  }

  /** A join() that came while the room was busy (a gap fill, or a join without its since) goes out once it is not. */
  #joinWhenSynced(room) {
    if (!room.syncing && (room.since || room.waiters.length > 0)
      && this.#link.state() === 'connected' && this.#isCurrent(room)) {
      this.#joinRoom(room);
    }
  }

  /**
   * An event on `room.<roomId>`: none while the room is being left; one of a room not joined as it
   * comes. `session-left` (an admin took the connection out of the room, and it receives the room no
   * more) forgets the room, so that it is not joined again after a reconnect, and its join() calls
   * still waiting fail with 409.
   */
  onEvent(roomId, envelope) {
    if (this.#leaving.has(roomId)) {
      return;
    }
    const room = this.#rooms.get(roomId);
    if (room && envelope.event === 'session-left') {
      this.#forget(room).forEach((w) => w.reject(Object.assign(
        new SkillbusError(409, 'taken out of ' + roomId + ' while joining it'), { sessionId: roomId })));
      this.#link.deliver(envelope);
    } else if (room) {
      room.onEvent(envelope);
    } else {
      this.#link.deliver(envelope);
    }
  }

  /** The socket is gone: what the rooms were joining or filling starts again from their last seq on the next one. */
  stop() {
    for (const room of this.#rooms.values()) {
      room.stop();
    }
  }

  /**
   * Rejects the joins waiting for an answer, each with its room's sessionId (in an error of its own:
   * `error` is shared); a room that was never joined is forgotten, so that a
   * later {@link SkillbusClient#open} does not join it behind its caller's back, and a joined room
   * forgets the `since` of a join rejected here: its rejoin goes on from the last seq delivered, not
   * from history its caller was told it would not get.
   */
  failWaiting(error) {
    for (const room of [...this.#rooms.values()]) {
      room.endRetryWait?.();
      room.since = null;
      const roomError = Object.assign(new SkillbusError(error.code, error.message), error, { sessionId: room.id });
      room.waiters.splice(0).forEach((w) => w.reject(roomError));
      if (!room.joined) {
        this.#rooms.delete(room.id);
      }
    }
  }
}

/**
 * One room: its join's progress (managed by Rooms) and its events in order. Each durable event is
 * delivered once, by seq within its epoch; a seq jump is filled from `session.history`; events of a
 * retired epoch are dropped; volatile events that come while a join is on its way are held until it
 * is answered (HeldWhileJoining). `link` is Rooms's link with {isCurrent(room): still the client's
 * room, synced(room): a gap fill is done}.
 */
class Room {
  lastSeq = null;
  epoch = null;
  // A join or a gap fill is under way: the room's durable events wait in #buffer.
  syncing = false;
  // The join() calls waiting for a reply: {resolve, reject}.
  waiters = [];
  joined = false;
  // The name and role of the last join().
  options = null;
  // The since and epoch a join() asked for, until its join goes out (see beginJoin), or null.
  since = null;
  // Rejoins in a row refused with a retryable code, and the end of the wait before the next (see Rooms#retryJoin).
  retries = 0;
  endRetryWait = null;
  // The error the server refused this join's register with, when its join is to fail with it (see Rooms#refused).
  registerRefused = null;
  #link;
  #retired = new Set();
  #asked = new Set();
  #buffer = [];
  #held;

  constructor(id, link) {
    this.id = id;
    this.#link = link;
    this.#held = new HeldWhileJoining(() => link.isCurrent(this) && link.mayConnect(), (envelope) => link.deliver(envelope));
  }

  /** A join goes out (from the since a join() asked for, if any); returns its run (see endJoin). */
  beginJoin() {
    if (this.since) {
      this.lastSeq = this.since.seq;
      this.#setEpoch(this.since.epoch || this.epoch);
      this.since = null;
    }
    this.syncing = true;
    this.registerRefused = null;
    return this.#held.begin();
  }

  /** The body of `session.join`: from the last seq delivered (and its epoch), if any. */
  joinBody() {
    const body = { sessionId: this.id, ...this.options };
    if (this.lastSeq !== null) {
      body.since = this.lastSeq;
      if (this.epoch) {
        body.epoch = this.epoch;
      }
    }
    return body;
  }

  /** The join of `run` is answered or failed: unless a later join started, what is held is released. */
  endJoin(run) {
    this.#held.end(run);
  }

  /**
   * Delivers what the join reply says was missed (when asked with since) and, when the reply says
   * there is more, the following pages from `session.history`; then what came live meanwhile. False
   * when the connection dropped while the pages were read.
   */
  async applyJoin(reply) {
    const asked = this.lastSeq !== null;
    if (asked && reply.recovered === false) {
      const again = reply.epoch && this.epoch && reply.epoch !== this.epoch;
      this.#link.fire('reset', { sessionId: this.id, reason: again ? 'epoch' : 'history', reply });
      if (!again && reply.missed && reply.missed.length > 0) {
        // The history no longer reaches back that far: what it keeps, from its first event.
        this.lastSeq = reply.missed[0].seq - 1;
        this.#deliverAfter(reply.missed);
      }
    } else if (asked) {
      this.#deliverAfter(reply.missed);
    }
    this.#setEpoch(reply.epoch);
    this.joined = true;
    if (asked && reply.more === true) {
      // lastSeq is the last event of the reply's page: the rest is read from there.
      return this.#catchUp();
    }
    this.lastSeq = reply.seq;
    this.#drain();
    return true;
  }

  /** Delivers the events after the room's last seq, in the order given (the server's: by seq). */
  #deliverAfter(envelopes) {
    for (const envelope of envelopes || []) {
      if (envelope.seq > this.lastSeq) {
        this.lastSeq = envelope.seq;
        this.#link.deliver(envelope);
      }
    }
  }

  /** An event on the room's address (while it is not being left). */
  onEvent(envelope) {
    if (this.#held.take(envelope)) {
      return;
    }
    if (typeof envelope.seq !== 'number') {
      this.#link.deliver(envelope);
    } else if (this.syncing) {
      // Held until the join's reply (even a first join's: it says which seqs its state holds) or the fill.
      this.#buffer.push(envelope);
    } else if (this.lastSeq === null) {
      this.#link.deliver(envelope);
    } else {
      this.#inOrder(envelope);
    }
  }

  /**
   * The room's epoch from now on, as a reply of the server names it. The epoch the room had when it
   * asked is retired: its events, still on their way (from another node), are of a history that
   * started again since, and are dropped. (An event alone cannot say whether its epoch is older or
   * newer than the room's: see #inOrder.)
   */
  #setEpoch(epoch) {
    if (epoch && this.epoch && epoch !== this.epoch) {
      this.#retired.add(this.epoch);
    }
    if (epoch) {
      this.#retired.delete(epoch);
    }
    this.epoch = epoch || null;
  }

  #inOrder(envelope) {
    if (envelope.epoch && this.#retired.has(envelope.epoch)) {
      // Of a history that started again since.
    } else if (envelope.epoch && this.epoch && envelope.epoch !== this.epoch && !this.#asked.has(envelope.epoch)) {
      // Either the room's history started again, or the event is late from a history that had ended
      // before the room's epoch began: the room's history says which epoch is current (#readHistory).
      this.#asked.add(envelope.epoch);
      this.#buffer.push(envelope);
      this.#fillGap();
    } else if (envelope.epoch && this.epoch && envelope.epoch !== this.epoch) {
      // Asked, and the history could not be read: take the event's epoch as the new one.
      this.#asked.delete(envelope.epoch);
      this.epoch = envelope.epoch;
      this.lastSeq = envelope.seq;
      this.#link.fire('reset', { sessionId: this.id, reason: 'epoch' });
      this.#link.deliver(envelope);
    } else if (envelope.seq <= this.lastSeq) {
      // Seen already (live and in a join's `missed`).
    } else if (envelope.seq === this.lastSeq + 1) {
      this.lastSeq = envelope.seq;
      this.#link.deliver(envelope);
    } else {
      this.#buffer.push(envelope);
      this.#fillGap();
    }
  }

  /** A seq jump: fetch what lies between from `session.history`, then go on with what was held back. */
  async #fillGap() {
    this.syncing = true;
    if (await this.#catchUp()) {
      this.#link.synced(this);
    }
  }

  /**
   * Reads the room's history after its last seq, then goes on with what was held back meanwhile.
   * False when the connection dropped: the rejoin after the reconnect goes on from the last seq
   * delivered.
   */
  async #catchUp() {
    try {
      await this.#readHistory();
    } catch (error) {
      if (error.connectionLost) {
        return false;
      }
      this.#link.fire('error', error);
    }
    this.#skipUnfillable();
    this.#drain();
    return true;
  }

  /**
   * Delivers `session.history` page after page, each from the last seq delivered, while the server
   * says there is more (and a page brings something new).
   */
  async #readHistory() {
    let more = true;
    while (more && this.#link.isCurrent(this)) {
      const body = { sessionId: this.id, since: this.lastSeq };
      if (this.epoch) {
        body.epoch = this.epoch;
      }
      // The epochs of events held now that the room has not seen: the reply names the current one.
      const unknown = new Set(this.#buffer.map((e) => e.epoch).filter((e) => e && e !== this.epoch && !this.#retired.has(e)));
      const history = await this.#link.request('session.history', body);
      if (history.epoch) {
        this.#answered(unknown, history.epoch);
      }
      if ((history.complete === false || (history.epoch && this.epoch && history.epoch !== this.epoch))
          && !this.#restart(history)) {
        // The room's history started again, or no longer reaches back that far and holds nothing
        // after: go on from where it is now.
        return;
      }
      const before = this.lastSeq;
      this.#deliverAfter(history.events);
      more = history.more === true && this.lastSeq > before;
    }
  }

  /** The epochs asked about (`unknown`) are answered by the history's `current` one: any other is retired. */
  #answered(unknown, current) {
    for (const epoch of unknown) {
      this.#asked.delete(epoch);
      if (epoch !== current) {
        this.#retired.add(epoch);
      }
    }
  }

  /**
   * The history started again or lost its beginning: `reset`, and on from where `history` says it is
   * now, or, when it lost only its beginning and holds events after it, from the first of those. True
   * in that case: the page's events are then to be delivered.
   */
  #restart(history) {
    const again = history.epoch && this.epoch && history.epoch !== this.epoch;
    this.#link.fire('reset', { sessionId: this.id, reason: again ? 'epoch' : 'history' });
    this.#setEpoch(history.epoch || this.epoch);
    const kept = !again && Array.isArray(history.events) && history.events.length > 0;
    if (kept) {
      this.lastSeq = history.events[0].seq - 1;
    } else {
      // Events of the new epoch held meanwhile go on from the first of them.
      const held = again ? this.#buffer.filter((e) => e.epoch === this.epoch).map((e) => e.seq) : [];
      this.lastSeq = Math.min(history.seq, ...held.map((seq) => seq - 1));
    }
    this.#buffer = this.#buffer.filter((e) => e.seq > this.lastSeq && (!e.epoch || e.epoch === this.epoch));
    return kept;
  }

  /** What history could not fill is gone: say so, and go on after it rather than ask again. */
  #skipUnfillable() {
    const current = this.#buffer.filter((e) => !e.epoch || e.epoch === this.epoch);
    if (current.length === 0) {
      return;
    }
    const next = Math.min(...current.map((e) => e.seq));
    if (next > this.lastSeq + 1) {
      this.#link.fire('reset', { sessionId: this.id, reason: 'gap' });
      this.lastSeq = next - 1;
    }
  }

  /**
   * Goes on with what was held back: the room's current epoch first, then each newer one in the
   * order its first event came, each by seq (a seq is an order only within its epoch).
   */
  #drain() {
    this.syncing = false;
    const rank = new Map([[this.epoch, 0]]);
    for (const envelope of this.#buffer) {
      if (!rank.has(envelope.epoch)) {
        rank.set(envelope.epoch, rank.size);
      }
    }
    const held = this.#buffer.splice(0).sort((a, b) => (rank.get(a.epoch) - rank.get(b.epoch)) || (a.seq - b.seq));
    for (let i = 0; i < held.length; i++) {
      this.#inOrder(held[i]);
      if (this.syncing) {
        this.#buffer.push(...held.slice(i + 1));
        return;
      }
    }
  }

  /** The socket is gone: what this room was joining or filling starts again from its last seq on the next one. */
  stop() {
    this.endRetryWait?.();
    this.syncing = false;
    this.#buffer.length = 0;
    this.#held.clear();
    // A question about an epoch cut off by the drop is asked again if its events come again.
    this.#asked.clear();
  }
}



/**
 * A room's volatile events (HELD_WHILE_JOINING) that come while its join is on its way: held, and
 * delivered once the join is answered. `deliverable()`: the room is still the client's and the
 * client not closed.
 */
class HeldWhileJoining {
  #deliverable;
  #deliver;
  #joining = false;
  #joinRun = 0;
  #held = [];
  #releasing = false;

  constructor(deliverable, deliver) {
    this.#deliverable = deliverable;
    this.#deliver = deliver;
  }

  /** A join goes out: returns its run (see end). */
  begin() {
    this.#joining = true;
    // A join that starts before this one ends (one with since, asked meanwhile) releases what is held.
    return ++this.#joinRun;
  }

  /** The join of `run` is answered or failed: unless a later join started, what is held is released. */
  end(run) {
    if (this.#joinRun === run) {
      this.#release();
    }
  }

  /**
   * Volatile, while the join is on its way: held (true), to come after its reply (see #release). Only
   * a user's latest of each kind is kept, so that a join waiting out a retry's backoff holds one per member.
   */
  take(envelope) {
    if (typeof envelope.seq === 'number' || !HELD_WHILE_JOINING.has(envelope.event)
      || !(this.#joining || this.#held.length > 0)) {
      return false;
    }
    const userId = envelope.data?.userId;
    const earlier = this.#held.findIndex((e) => e.event === envelope.event && e.data?.userId === userId);
    if (earlier >= 0) {
      this.#held.splice(earlier, 1);
    }
    this.#held.push(envelope);
    return true;
  }

  /**
   * The join is answered (or failed): the volatile events held meanwhile (see take) reach
   * the listeners once whoever awaited the join has taken its reply (the next turn), in the order they
   * came, and those coming until then are held with them. A room left or dropped meanwhile, or a client closed, delivers none.
   */
  #release() {
    this.#joining = false;
    if (this.#held.length === 0 || this.#releasing) {
      return;
    }
    this.#releasing = true;
    setTimeout(() => {
      this.#releasing = false;
      if (!this.#deliverable()) {
        this.#held.length = 0;
      } else if (!this.#joining) { // else the join that started meanwhile releases them
        this.#held.splice(0).forEach((envelope) => this.#deliver(envelope));
      }
    }, 0);
  }

  /** The socket is gone: what is held is dropped. */
  clear() {
    this.#held.length = 0;
  }
}

/** A request that went unanswered because the connection dropped: maybe applied, maybe not. */
function connectionLost(reason) {
  const error = new SkillbusError(CONNECTION_LOST, reason);
  error.connectionLost = true;
  return error;
}

let sockJsLoading = null;

/** Loads the server's copy of sockjs-client once, when the page has none of its own. */
function loadSockJS(baseUrl) {
  if (!sockJsLoading) {
    sockJsLoading = new Promise((resolve, reject) => {
      if (typeof document === 'undefined') {
        reject(new Error('no SockJS: pass options.SockJS or options.transport = "websocket"'));
        return;
      }
      const script = document.createElement('script');
      script.src = baseUrl + '/vendor/sockjs.min.js';
      script.onload = () => (globalThis.SockJS ? resolve(globalThis.SockJS) : reject(new Error('sockjs.min.js defined no SockJS')));
      script.onerror = () => reject(new Error('could not load ' + script.src));
      document.head.appendChild(script);
    }).catch((error) => {
      sockJsLoading = null;
      throw error;
    });
  }
  return sockJsLoading;
}

export default { connect, backoffDelay, tokenClaims, SkillbusError, SkillbusClient, DEFAULTS, STATES };
