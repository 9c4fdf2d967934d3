#!/usr/bin/env bash
# Builds target/des.jsa, a class-data-sharing archive of the classes a des command loads, by running
# `des demo` once with -XX:ArchiveClassesAtExit (run by the cli module's package phase, after the
# jar). bin/des passes it to the JVM when it is newer than des.jar and was made by the same java
# for the jar at the same path (both recorded in des.jsa.java): a command then starts in about
# 0.3 s instead of 0.5 s. An archive made for another jar, path or JVM is refused, and with it the
# JDK's own archive, so it must match.
# Optional: a failure means slower starts, never a failed build.
set -u
cd "$(dirname "$0")/../../target" || exit 0
rm -rf des.jsa des.jsa.java cds-training
# The archive records the jar's path as given here; bin/des must give the same one.
java_bin=$(readlink -f "$(command -v java)")
jar="$PWD/des.jar"
if java -XX:ArchiveClassesAtExit=des.jsa '-Xlog:cds*=off' -XX:TieredStopAtLevel=1 -XX:+UseParallelGC -Xmx256m \
    -jar "$jar" demo --dir cds-training --files 200 >cds-training.log 2>&1 && [[ -s des.jsa ]]; then
  echo "$java_bin $jar" >des.jsa.java
  echo "class-data-sharing archive for bin/des: $PWD/des.jsa ($java_bin)"
else
  rm -f des.jsa
  echo "class-data-sharing archive not built (optional; see cli/target/cds-training.log)"
fi
rm -rf cds-training
exit 0
