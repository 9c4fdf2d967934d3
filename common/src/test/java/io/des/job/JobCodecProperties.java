package io.des.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.routing.ShardKey;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/** The size bound the planner cuts jobs by is never below what the codec writes. */
class JobCodecProperties {
  private static final Router ROUTER = new Router(8);
  private static final CreatedAt T = CreatedAt.parse("2024-03-05T10:15:00.123456+00:00");

  @Property(tries = 500)
  void aFileNeverAddsMoreThanItsBoundToAJob(
      @ForAll("names") String uid, @ForAll("names") String location, @ForAll @LongRange(min = 0) long size) {
    // The bound is checked on what one more file adds, and on a job of one file as a whole.
    JobFile first = new JobFile("first", T, 1, "/landing/first");
    JobFile file = new JobFile(uid, T, size, location);
    ShardKey key = ROUTER.route("first", T);
    int one = JobCodec.write(job(key, List.of(first))).length;
    int two = JobCodec.write(job(key, List.of(first, file))).length;
    assertThat(two - one).isLessThanOrEqualTo(JobCodec.fileBytesAtMost(file));
    assertThat(JobCodec.write(job(key, List.of(file))).length).isLessThanOrEqualTo(JobCodec.JOB_OVERHEAD_BYTES + JobCodec.fileBytesAtMost(file));
  }

  private static PackJob job(ShardKey key, List<JobFile> files) {
    return new PackJob(JobPlanner.idOf(key, 8, SourceKind.LANDING, files), key, 8, SourceKind.LANDING, files);
  }

  /** Any characters: controls, quotes, backslashes, two- and three-byte ones, and pairs of four. */
  @Provide
  Arbitrary<String> names() {
    Arbitrary<String> plain = Arbitraries.strings().withCharRange((char) 0, (char) 0xD7FF).withCharRange((char) 0xE000, (char) 0xFFFF)
        .ofMinLength(1).ofMaxLength(300);
    Arbitrary<String> emoji = Arbitraries.of("\uD83D\uDE00", "\uD834\uDD1E", "a\"b\\c\n");
    return Arbitraries.oneOf(plain, emoji.list().ofMinSize(1).ofMaxSize(50).map(l -> String.join("", l)));
  }
}
