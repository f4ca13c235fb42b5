package dev.skillbus.session;


/**
 * One bridge connection in one room, as held in the cluster-wide room state: who it is, the name
 * and role it joined with, the node that holds it and when it joined (epoch millis).
 */
record Connection(String connId, String userId, String name, String role, String nodeId, long joinedAt) {
}
