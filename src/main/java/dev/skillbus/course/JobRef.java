package dev.skillbus.course;

/** Which job: its session, its owner (a user id) and the node that runs it (a Hazelcast member id). */
record JobRef(String sessionId, String owner, String node) {
}
