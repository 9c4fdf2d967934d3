package io.des.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code des} command line. Exit status: 0 success, 1 failure (corrupt, missing), 2 bad usage or
 * input, 3 nothing to do (the file was already deleted).
 */
@Command(
    name = "des",
    mixinStandardHelpOptions = true,
    versionProvider = DesCommand.Version.class,
    description = "DES (Data Easy Store): packs small files into immutable shards and reads them back.",
    footer = {"", "bin/des serve --store DIR|s3://BUCKET/PREFIX [--port P] starts the HTTP retriever (docs/retriever.md)."},
    subcommands = {
      PackCommand.class,
      GetCommand.class,
      LsCommand.class,
      VerifyCommand.class,
      TombstonesCommand.class,
      RepackCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class DesCommand implements Runnable {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int BAD_INPUT = 2;
  static final int ALREADY_DELETED = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line; what {@code main} does without exiting (for tests). */
  public static int execute(String... args) {
    CommandLine cli = commandLine();
    return cli.execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new DesCommand());
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      commandLine.getErr().println("des: " + ex.getMessage());
      return FAILED;
    });
    return cli;
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = DesCommand.class.getPackage().getImplementationVersion();
      return new String[] {"des " + (v == null ? "development build" : v)};
    }
  }
}
