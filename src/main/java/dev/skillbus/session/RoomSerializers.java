package dev.skillbus.session;

import com.hazelcast.config.SerializationConfig;
import com.hazelcast.config.SerializerConfig;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How room membership crosses Hazelcast: the result of every join and leave ({@link RoomChange}), and
 * of a room read again at a version ({@link Roster}), is serialized even when the room's key is
 * local, the entry processors when its owner or backup is another node, the {@link RoomState} for
 * backups and reads. Written field by field here, these
 * take a few microseconds; Java serialization took about 70 µs per join on a warm JVM (several
 * hundred on a cold one) and a large share of the JIT's work while clients connect. Connections
 * and participants travel only inside these. Type ids 1001–1008 are skillbus's; a
 * {@code conf/cluster.xml} must not give them to other serializers.
 */
public final class RoomSerializers {

  private RoomSerializers() {
  }

  /** Adds the serializers to a node's Hazelcast configuration; every node of a cluster needs them. */
  public static void register(SerializationConfig config) {
    add(config, RoomChange.class, 1001, RoomSerializers::writeChange, RoomSerializers::readChange);
    add(config, RoomState.class, 1002, (out, state) -> state.writeTo(out), RoomState::readFrom);
    add(config, RoomProcessors.Join.class, 1003, RoomSerializers::writeJoin, RoomSerializers::readJoin);
    add(config, RoomProcessors.Leave.class, 1004, RoomSerializers::writeLeave, RoomSerializers::readLeave);
    add(config, RoomProcessors.Update.class, 1005, RoomSerializers::writeUpdate, RoomSerializers::readUpdate);
    add(config, RoomProcessors.Cursors.class, 1006, RoomSerializers::writeCursors, RoomSerializers::readCursors);
    add(config, RoomProcessors.ReadAtLeast.class, 1007, (out, read) -> out.writeLong(read.atLeast()),
      in -> new RoomProcessors.ReadAtLeast(in.readLong()));
    add(config, Roster.class, 1008, RoomSerializers::writeRoster, RoomSerializers::readRoster);
    add(config, RoomProcessors.NodesGone.class, 1009, (out, read) -> {
      out.writeInt(read.live().size());
      for (String nodeId : read.live()) {
        out.writeString(nodeId);
      }
    }, in -> {
      int count = in.readInt();
      Set<String> live = new HashSet<>();
      for (int i = 0; i < count; i++) {
        live.add(in.readString());
      }
      return new RoomProcessors.NodesGone(Set.copyOf(live));
    });
  }

  @FunctionalInterface
  private interface Writer<T> {
    void write(ObjectDataOutput out, T value) throws IOException;
  }

  @FunctionalInterface
  private interface Reader<T> {
    T read(ObjectDataInput in) throws IOException;
  }

  private static <T> void add(SerializationConfig config, Class<T> type, int typeId, Writer<T> writer, Reader<T> reader) {
    config.addSerializerConfig(new SerializerConfig().setTypeClass(type).setImplementation(new StreamSerializer<T>() {
      @Override
      public int getTypeId() {
        return typeId;
      }

      @Override
      public void write(ObjectDataOutput out, T value) throws IOException {
        writer.write(out, value);
      }

      @Override
      public T read(ObjectDataInput in) throws IOException {
        return reader.read(in);
      }
    }));
  }

  static void writeConnection(ObjectDataOutput out, Connection c) throws IOException {
    out.writeString(c.connId());
    out.writeString(c.userId());
    out.writeString(c.name());
    out.writeString(c.role());
    out.writeString(c.nodeId());
    out.writeLong(c.joinedAt());
  }

  static Connection readConnection(ObjectDataInput in) throws IOException {
    return new Connection(in.readString(), in.readString(), in.readString(), in.readString(), in.readString(), in.readLong());
  }

  private static void writeParticipant(ObjectDataOutput out, Participant p) throws IOException {
    out.writeString(p.userId());
    out.writeString(p.name());
    out.writeString(p.role());
    out.writeBoolean(p.active());
    writeNullableInt(out, p.line());
    writeNullableInt(out, p.column());
    out.writeLong(p.joinedAt());
  }

  private static Participant readParticipant(ObjectDataInput in) throws IOException {
    return new Participant(in.readString(), in.readString(), in.readString(), in.readBoolean(), readNullableInt(in),
      readNullableInt(in), in.readLong());
  }

  private static void writeChange(ObjectDataOutput out, RoomChange change) throws IOException {
    out.writeInt(change.users().size());
    for (Connection user : change.users()) {
      writeConnection(out, user);
    }
    writeRoster(out, change.roster());
  }

  private static RoomChange readChange(ObjectDataInput in) throws IOException {
    int userCount = in.readInt();
    List<Connection> users = new ArrayList<>(userCount);
    for (int i = 0; i < userCount; i++) {
      users.add(readConnection(in));
    }
    return new RoomChange(List.copyOf(users), readRoster(in));
  }

  private static void writeRoster(ObjectDataOutput out, Roster roster) throws IOException {
    out.writeLong(roster.version());
    out.writeInt(roster.participants().size());
    for (Participant participant : roster.participants()) {
      writeParticipant(out, participant);
    }
  }

  private static Roster readRoster(ObjectDataInput in) throws IOException {
    long version = in.readLong();
    int participantCount = in.readInt();
    List<Participant> participants = new ArrayList<>(participantCount);
    for (int i = 0; i < participantCount; i++) {
      participants.add(readParticipant(in));
    }
    return new Roster(List.copyOf(participants), version);
  }

  private static void writeJoin(ObjectDataOutput out, RoomProcessors.Join join) throws IOException {
    writeConnection(out, join.connection());
    out.writeBoolean(join.active());
    out.writeLong(join.at());
  }

  private static RoomProcessors.Join readJoin(ObjectDataInput in) throws IOException {
    return new RoomProcessors.Join(readConnection(in), in.readBoolean(), in.readLong());
  }

  private static void writeLeave(ObjectDataOutput out, RoomProcessors.Leave leave) throws IOException {
    out.writeByte(leave.scope().ordinal());
    out.writeString(leave.id());
    out.writeLong(leave.at());
  }

  private static RoomProcessors.Leave readLeave(ObjectDataInput in) throws IOException {
    return new RoomProcessors.Leave(RoomProcessors.Leave.Scope.values()[in.readByte()], in.readString(), in.readLong());
  }

  private static void writeUpdate(ObjectDataOutput out, RoomProcessors.Update update) throws IOException {
    out.writeString(update.userId());
    out.writeByte(update.active() == null ? -1 : update.active() ? 1 : 0);
    writeNullableInt(out, update.line());
    writeNullableInt(out, update.column());
  }

  private static RoomProcessors.Update readUpdate(ObjectDataInput in) throws IOException {
    String userId = in.readString();
    byte active = in.readByte();
    return new RoomProcessors.Update(userId, active < 0 ? null : active == 1, readNullableInt(in), readNullableInt(in));
  }

  private static void writeCursors(ObjectDataOutput out, RoomProcessors.Cursors cursors) throws IOException {
    out.writeInt(cursors.positions().size());
    for (Map.Entry<String, RoomProcessors.Position> entry : cursors.positions().entrySet()) {
      out.writeString(entry.getKey());
      out.writeInt(entry.getValue().line());
      out.writeInt(entry.getValue().column());
    }
  }

  private static RoomProcessors.Cursors readCursors(ObjectDataInput in) throws IOException {
    int count = in.readInt();
    Map<String, RoomProcessors.Position> positions = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      positions.put(in.readString(), new RoomProcessors.Position(in.readInt(), in.readInt()));
    }
    return new RoomProcessors.Cursors(positions);
  }

  static void writeNullableInt(ObjectDataOutput out, Integer value) throws IOException {
    out.writeBoolean(value != null);
    if (value != null) {
      out.writeInt(value);
    }
  }

  static Integer readNullableInt(ObjectDataInput in) throws IOException {
    return in.readBoolean() ? in.readInt() : null;
  }
}
