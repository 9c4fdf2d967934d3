package io.des.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.codec.Codec;
import io.des.storage.BlobPath;
import io.des.storage.InMemoryBlobStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any members, any codecs: what the writer writes, the reader and the verifier give back exactly. */
class ShardRoundTripProperties {

  record Member(String uid, byte[] content, Codec codec) {}

  @Property(tries = 200)
  void anyMembersWithAnyCodecsRoundTrip(@ForAll("members") List<Member> members) throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    Map<String, Codec> codecs = new LinkedHashMap<>();
    for (Member m : members) {
      if (entries.putIfAbsent(m.uid(), m.content()) == null) {
        codecs.put(m.uid(), m.codec());
      }
    }
    InMemoryBlobStore store = new InMemoryBlobStore();
    ShardFixtures.put(store, "p.des", ShardFixtures.shard(entries, codecs));
    // A tiny first tail read forces the two-request path on bigger indexes too.
    ShardReader reader = ShardReader.open(store, BlobPath.of("p.des"), new ReaderLimits(1 << 20, 1 << 20, 64));
    assertThat(reader.index().size()).isEqualTo(entries.size());
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      assertThat(reader.read(e.getKey())).isEqualTo(e.getValue());
      assertThat(reader.index().find(e.getKey()).orElseThrow().codec()).isEqualTo(codecs.get(e.getKey()));
    }
    ShardVerifier.Result verified = ShardVerifier.verify(store, BlobPath.of("p.des"), ReaderLimits.DEFAULTS);
    assertThat(verified.problems()).isEmpty();
    assertThat(verified.verified()).isEqualTo(entries.size());
  }

  @Provide
  Arbitrary<List<Member>> members() {
    Arbitrary<String> uids = Arbitraries.strings().withCharRange('\u0020', '\uD7FF').ofMinLength(1).ofMaxLength(40);
    Arbitrary<byte[]> contents = Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(2000),
        Arbitraries.strings().withChars("abc \n").ofMaxLength(5000).map(String::getBytes));
    Arbitrary<Member> member = net.jqwik.api.Combinators.combine(uids, contents, Arbitraries.of(Codec.class)).as(Member::new);
    return member.list().ofMaxSize(30);
  }
}
