package io.des.cli;

import io.des.archive.Archive;
import io.des.format.CorruptShardException;
import io.des.format.EntryNotFoundException;
import io.des.routing.CreatedAt;
import io.des.routing.InvalidCreatedAtException;
import io.des.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code des get}: one file's bytes, verified, to stdout or a file. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Writes one file's content to stdout or -o FILE.")
final class GetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOptions store;

  @Parameters(index = "0", paramLabel = "UID", description = "The file's uid.")
  String uid;

  @Option(names = "--created-at", required = true, paramLabel = "ISO", description = "The file's created_at (ISO 8601; a date is enough).")
  String createdAt;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here instead of stdout; the file appears only once the content is verified.")
  Path output;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    CreatedAt when;
    try {
      when = CreatedAt.parse(createdAt);
    } catch (InvalidCreatedAtException e) {
      err.println("des get: " + e.getMessage());
      return DesCommand.BAD_INPUT;
    }
    try (BlobStore blobs = store.openStore()) {
      Archive archive = store.openArchive(blobs);
      Archive.Located located = archive.locate(uid, when);
      try (InputStream in = located.shard().openEntry(located.entry())) {
        if (output == null) {
          OutputStream stdout = System.out;
          in.transferTo(stdout);
          stdout.flush();
        } else {
          writeVerified(in, output);
        }
      }
      return DesCommand.OK;
    } catch (EntryNotFoundException e) {
      err.println("des get: " + e.getMessage());
      return DesCommand.FAILED;
    } catch (CorruptShardException e) {
      err.println("des get: " + e.getMessage());
      return DesCommand.FAILED;
    }
  }

  /** Streams to a temporary file beside the target and renames only after the checksum passed. */
  private static void writeVerified(InputStream in, Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, ".des-get-", ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temp)) {
        in.transferTo(out);
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
